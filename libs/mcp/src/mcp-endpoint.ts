import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { classifyInboundRequest, PROTOCOL_VERSION_META_KEY, SUPPORTED_PROTOCOL_VERSIONS, createMcpHandler, inputRequired, MissingRequiredClientCapabilityError, ProtocolError, UrlElicitationRequiredError, ProtocolErrorCode, Server, type AuthInfo, type CallToolResult, type JSONRPCMessage, type McpHttpHandler, type ServerContext, type Tool } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { AUTH_SETTINGS, type AuthSettings } from '#auth';
import { ForbiddenError, PRODUCT, type CommandMetadata } from '#core';
import { logContext, type RequestLogContext } from '#observability/nest';
import { isTerminal, legacyTask, legacyTaskResult, modernTask, taskRequestError, taskStartedContent, TASKS_EXTENSION } from './mcp-tasks.js';
import { CallTransport, plainCallOf, writeJsonRpc } from './call-transport.js';
import { clientCapabilitiesOf } from './client-capabilities.js';
import { serveFetch } from './serve-fetch.js';
import { UrlElicitationNeeded } from './url-elicitation.js';
import { SERVER_INSTRUCTIONS } from './server-instructions.js';
import { CallConfirmations } from './confirmations/call-confirmations.js';
import { CallInterrupted, ToolInvoker, type CallOutcome } from './tool-invoker.js';
import { ToolRegistry } from './tool-registry.js';
import type { ToolTaskSource } from './tool-tasks.js';

/** No icons here: 2026-07-28 stamps serverInfo on every result, and the hot path should not carry pictures. */
const SERVER_INFO = { name: 'ledgerline', title: 'Ledgerline', version: PRODUCT.version };
const MAX_IDLE_SERVERS = 64;
/** tools/list pages: a tenant with a large automation catalogue gets its tools in pages of this many. */
export const TOOLS_PAGE_SIZE = 100;
/** A 2026-07-28 client may reuse a tools/list this long (its own: the list depends on the caller's grant). */
export const TOOLS_LIST_TTL_MS = 30_000;
/** 2025-11-25 tasks/result waits this long at most for the task to end (under the HTTP request timeout), then says to poll. */
const TASK_RESULT_WAIT_MS = 25_000;
const TASK_RESULT_POLL_MS = 250;

type Era = 'legacy' | 'modern';

/** The per-request context the endpoint hands to the MCP server through the transport's auth slot. */
interface CallerContext {
  metadata: CommandMetadata;
  /** The request's log line: the tool called and its outcome go there. */
  log: RequestLogContext;
}

const taskIdParams = z.object({ taskId: z.string().min(1).max(128) });
const taskUpdateParams = z.object({ taskId: z.string().min(1).max(128), inputResponses: z.record(z.string(), z.unknown()).optional() });

/**
 * The Streamable HTTP endpoint, on the TypeScript SDK's v2 server, stateless on every revision:
 * - 2026-07-28 requests (the `_meta` envelope on every request, `server/discover`, no handshake)
 *   go to the SDK's `createMcpHandler` (its 'auto' response mode: one JSON body, as no handler
 *   sends anything before its result; 'json' would print a warning), on a low-level `Server` from
 *   a pool of idle ones;
 * - 2025-era requests (`initialize`, then calls without a session) are classified by the SDK's own
 *   classifier; a plain tools/call (the hot path) goes to a pooled server that stays connected to a
 *   one-request-at-a-time CallTransport, everything else to a fresh SDK transport with JSON
 *   responses on a server from a pool of idle ones (building one per request costs half the throughput).
 * Nothing about the caller outlives the request: the caller travels in the `authInfo` slot and the
 * handlers read it from their context, so any instance serves any call. A tool whose calls are
 * long-running work (an automation run) answers as a task to a client that follows tasks, in each
 * revision's vocabulary, from the task source's durable state.
 */
@Injectable()
export class McpEndpoint implements OnModuleDestroy {
  private readonly logger = new Logger(McpEndpoint.name);
  private readonly modern: McpHttpHandler;
  private readonly idleLegacy: Server[] = [];
  /** 2025-era servers that stay connected to a CallTransport between the plain tools/call requests they serve. */
  private readonly idleCalls: { server: Server; transport: CallTransport }[] = [];
  /** 2026-07-28 servers between requests, and the one each request under way borrowed (by the Request the SDK hands the factory). */
  private readonly idleModern: Server[] = [];
  private readonly lentModern = new WeakMap<Request, Server>();

  constructor(
    private readonly invoker: ToolInvoker,
    private readonly registry: ToolRegistry,
    private readonly confirmations: CallConfirmations,
    @Inject(AUTH_SETTINGS) private readonly auth: AuthSettings,
  ) {
    const onerror = (error: Error): void => this.logger.warn(`MCP exchange failed: ${error.message}`);
    // A pooled server per request (building one costs a tenth of the modern leg's throughput): the SDK
    // checks it is idle, marks its era and seeds the request's client identity on it each time.
    this.modern = createMcpHandler(({ requestInfo }) => {
      const server = this.idleModern.pop() ?? this.createServer('modern');
      if (requestInfo) this.lentModern.set(requestInfo, server);
      return server;
    }, { legacy: 'reject', onerror });
  }

  async handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse, metadata: CommandMetadata): Promise<void> {
    const caller: CallerContext = { metadata, log: logContext(req) };
    const auth: AuthInfo = { token: '', clientId: metadata.clientId, scopes: [...metadata.scopes], extra: { caller } };
    // A request that claims the 2026-07-28 envelope is never 2025-era traffic for the SDK's classifier
    // (modern, or refused): the modern handler classifies it, once.
    if (claimsEnvelope(req.body)) return this.serveModern(req, res, auth);
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body: req.body,
      protocolVersionHeader: headerOf(req, 'mcp-protocol-version'),
      mcpMethodHeader: headerOf(req, 'mcp-method'),
      mcpNameHeader: headerOf(req, 'mcp-name'),
    });
    if (route.kind === 'legacy') {
      // 'no-claim': a JSON-RPC request (not a notification, batch or initialize) without the 2026-07-28 envelope.
      const served = route.reason === 'no-claim' && (await this.servePlainCall(req, res, auth));
      if (!served) await this.serveLegacy(Object.assign(req, { auth }), res);
    }
    // The modern handler classifies again (cheap) and answers rejections itself, with their exact codes.
    else await this.serveModern(req, res, auth);
  }

  private serveModern(req: IncomingMessage & { body?: unknown }, res: ServerResponse, auth: AuthInfo): Promise<void> {
    return serveFetch(this.modern, req, res, req.body, auth, withLegacyVersions, (request) => this.takeBack(request));
  }

  /** The server a finished 2026-07-28 exchange borrowed goes back to the pool once its transport let go of it (else it is dropped). */
  private takeBack(request: Request): void {
    const server = this.lentModern.get(request);
    if (!server) return;
    this.lentModern.delete(request);
    setImmediate(() => {
      if (server.transport === undefined && this.idleModern.length < MAX_IDLE_SERVERS) this.idleModern.push(server);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.modern.close();
    this.idleModern.splice(0);
    await Promise.all([...this.idleLegacy.splice(0), ...this.idleCalls.splice(0).map(({ server }) => server)].map((server) => server.close()));
  }

  /**
   * The 2025 leg's hot path: a plain tools/call (no batch, the headers the SDK's transport wants) goes
   * to a server that stays connected, and its response is written as that transport writes a JSON
   * response (200, application/json, the JSON-RPC message as the server sent it). False: not such a
   * request, for serveLegacy and the SDK's transport to answer.
   */
  private async servePlainCall(req: IncomingMessage & { body?: unknown }, res: ServerResponse, auth: AuthInfo): Promise<boolean> {
    const lane = this.idleCalls.pop() ?? (await this.connectCallServer());
    const request = plainCallOf(req, req.body, lane.transport.supportedVersions);
    let response: JSONRPCMessage;
    try {
      if (!request) return false;
      response = await lane.transport.exchange(request, auth);
    } finally {
      if (this.idleCalls.length < MAX_IDLE_SERVERS) this.idleCalls.push(lane);
    }
    // A client that went away gets nothing, as from the SDK's transport.
    if (!res.destroyed) writeJsonRpc(res, response);
    return true;
  }

  private async connectCallServer(): Promise<{ server: Server; transport: CallTransport }> {
    const server = this.createServer('legacy');
    const transport = new CallTransport();
    await server.connect(transport);
    return { server, transport };
  }

  private async serveLegacy(req: IncomingMessage & { body?: unknown; auth: AuthInfo }, res: ServerResponse): Promise<void> {
    const server = this.idleLegacy.pop() ?? this.createServer('legacy');
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void server.close().then(() => {
        if (this.idleLegacy.length < MAX_IDLE_SERVERS) this.idleLegacy.push(server);
      });
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private createServer(era: Era): Server {
    const tasks = this.registry.tasks();
    const server = new Server(SERVER_INFO, {
      capabilities: {
        tools: { listChanged: false },
        ...(tasks && era === 'modern' && { extensions: { [TASKS_EXTENSION]: {} } }),
        ...(tasks && era === 'legacy' && { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }),
      },
      instructions: SERVER_INSTRUCTIONS,
      cacheHints: { 'tools/list': { ttlMs: TOOLS_LIST_TTL_MS, cacheScope: 'private' } },
      // Stateless on every revision: no server-to-client request can reach a 2025 client, so nothing may try.
      inputRequired: { legacyShim: false },
    });
    server.setRequestHandler('tools/list', async (request, ctx) => {
      const { metadata } = callerOf(ctx.http?.authInfo);
      const tools = await this.invoker.list(metadata.tenantId, metadata.scopes);
      const offset = offsetOf(request.params?.cursor);
      const page = tools.slice(offset, offset + TOOLS_PAGE_SIZE).map((tool) => (era === 'modern' ? withoutTaskSupport(tool) : tool));
      return { tools: page, ...(offset + TOOLS_PAGE_SIZE < tools.length && { nextCursor: cursorOf(offset + TOOLS_PAGE_SIZE) }) };
    });
    server.setRequestHandler('tools/call', async (request, ctx) => {
      const { metadata, log } = callerOf(ctx.http?.authInfo);
      const idempotencyKey = request.params._meta?.['io.ledgerline/idempotency-key'];
      log.tool = request.params.name;
      const callMetadata = { ...metadata, idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : metadata.idempotencyKey };
      let outcome: CallOutcome;
      try {
        outcome = await this.invoker.run(request.params.name, request.params.arguments, callMetadata, { beforeExecute: this.confirmations.hook(era, ctx, callMetadata) });
      } catch (thrown) {
        // A person's step first: an input_required result (2026-07-28) or a -32042 error (2025).
        if (thrown instanceof UrlElicitationNeeded) {
          log.outcome = 'elicitation';
          return this.sendToPage(era, ctx, request.params.name, thrown);
        }
        // A sensitive call not confirmed yet, likewise.
        if (!(thrown instanceof CallInterrupted)) throw thrown;
        log.outcome = thrown.reason;
        if ('error' in thrown.answer) throw thrown.answer.error;
        return thrown.answer.result as CallToolResult;
      }
      log.outcome = outcome.result.isError ? errorCodeOf(outcome.result) : 'ok';
      const followsTasks = era === 'modern' ? declaresTasks(ctx) : (request.params as { task?: unknown }).task !== undefined;
      if (tasks && followsTasks && outcome.taskId !== undefined) return this.startedTask(era, tasks, metadata, outcome);
      return outcome.result;
    });
    if (tasks) (era === 'modern' ? this.modernTaskHandlers : this.legacyTaskHandlers).call(this, server, tasks);
    return server;
  }

  /** Sends the person to a page of the platform by URL elicitation; a 2026-07-28 client that cannot follow a URL gets a typed refusal. */
  private sendToPage(era: Era, ctx: ServerContext, tool: string, needed: UrlElicitationNeeded): CallToolResult {
    const url = new URL(needed.path, this.auth.resourceUrl).href;
    if (era === 'legacy') throw new UrlElicitationRequiredError([{ mode: 'url', elicitationId: needed.key, url, message: needed.ask }], `${needed.ask}: open the link, then call ${tool} again`);
    const elicitation = clientCapabilitiesOf(ctx)?.elicitation as { url?: unknown } | undefined;
    if (elicitation?.url === undefined) {
      return this.invoker.toToolError(tool, new ForbiddenError('tool.elicitation_unsupported', `${needed.ask} at ${url}; this client declares no URL elicitation to take you there`, { tool, url }));
    }
    return inputRequired({ inputRequests: { [needed.key]: inputRequired.elicitUrl({ message: needed.ask, url }) } }) as unknown as CallToolResult;
  }

  /** A call whose work became a task answers with the task, read back from its durable state (tasks/get resolves at once). */
  private async startedTask(era: Era, tasks: ToolTaskSource, metadata: CommandMetadata, outcome: CallOutcome): Promise<CallToolResult> {
    const task = await tasks.get(metadata, outcome.taskId!);
    const content = taskStartedContent(task);
    return era === 'modern'
      ? { resultType: 'task', ...modernTask(task, this.auth.resourceUrl), content }
      : { task: legacyTask(task), content };
  }

  /** The 2026-07-28 tasks extension's methods (not in the revision's core: registered with their schemas). */
  private modernTaskHandlers(server: Server, tasks: ToolTaskSource): void {
    const publicUrl = this.auth.resourceUrl;
    server.setRequestHandler('tasks/get', { params: taskIdParams }, async ({ taskId }, ctx) =>
      modernTask(await taskCall(() => tasks.get(taskCaller(ctx), taskId)), publicUrl));
    // The approvals a run waits for are decided by people in the console, not through the requester's client:
    // the answer to a URL elicitation is an acknowledgement, and nothing else may be outstanding.
    server.setRequestHandler('tasks/update', { params: taskUpdateParams }, async ({ taskId }, ctx) => {
      await taskCall(() => tasks.get(taskCaller(ctx), taskId));
      return {};
    });
    // Idempotent: a finished task's cancel is the same empty ack (only an unknown task is refused).
    server.setRequestHandler('tasks/cancel', { params: taskIdParams }, async ({ taskId }, ctx) => {
      await taskCall(() => tasks.cancel(taskCaller(ctx), taskId));
      return {};
    });
  }

  /** The 2025-11-25 revision's task methods (basic/utilities/tasks). */
  private legacyTaskHandlers(server: Server, tasks: ToolTaskSource): void {
    server.setRequestHandler('tasks/get', { params: taskIdParams }, async ({ taskId }, ctx) =>
      legacyTask(await taskCall(() => tasks.get(callerOf(ctx.http?.authInfo).metadata, taskId))));
    server.setRequestHandler('tasks/result', { params: taskIdParams }, async ({ taskId }, ctx) => {
      const { metadata } = callerOf(ctx.http?.authInfo);
      const deadline = Date.now() + TASK_RESULT_WAIT_MS;
      for (;;) {
        const task = await taskCall(() => tasks.get(metadata, taskId));
        if (isTerminal(task)) return legacyTaskResult(task);
        if (Date.now() >= deadline || ctx.mcpReq.signal.aborted) {
          throw new ProtocolError(ProtocolErrorCode.InternalError, `task ${task.taskId} is still ${task.status} after ${TASK_RESULT_WAIT_MS} ms; poll tasks/get, then ask again`, { code: 'task.still_running' });
        }
        await new Promise((resolve) => setTimeout(resolve, TASK_RESULT_POLL_MS));
      }
    });
    server.setRequestHandler('tasks/cancel', { params: taskIdParams }, async ({ taskId }, ctx) => {
      const { metadata } = callerOf(ctx.http?.authInfo);
      const task = await taskCall(() => tasks.get(metadata, taskId));
      if (isTerminal(task)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `task ${task.taskId} is already ${task.status}`, { code: 'task.finished' });
      return legacyTask(await taskCall(() => tasks.cancel(metadata, task.taskId)));
    });
    server.setRequestHandler('tasks/list', { params: z.object({ cursor: z.string().max(200).optional() }) }, async ({ cursor }, ctx) => {
      const page = await taskCall(() => tasks.list(callerOf(ctx.http?.authInfo).metadata, cursor));
      return { tasks: page.tasks.map(legacyTask), ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    });
  }
}

/**
 * The body is one request or notification (not initialize, nothing a response could be taken for)
 * whose params._meta names the envelope's protocol version key: the SDK's classifier never calls
 * that 2025-era traffic.
 */
function claimsEnvelope(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'result' in body || 'error' in body) return false;
  const { method, params } = body as { method?: unknown; params?: { _meta?: unknown } };
  const meta = typeof params === 'object' && params !== null && !Array.isArray(params) ? params._meta : undefined;
  return typeof method === 'string' && method !== 'initialize' && typeof meta === 'object' && meta !== null && !Array.isArray(meta) && PROTOCOL_VERSION_META_KEY in meta;
}

async function taskCall<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw taskRequestError(error);
  }
}

/**
 * The endpoint serves the 2025 revisions too (by `initialize`, statelessly), which the SDK's
 * modern handler cannot know: server/discover's supportedVersions and an unsupported-version
 * error's `supported` name them after 2026-07-28, as the revision's own dual-era example does.
 */
function withLegacyVersions(message: Record<string, unknown>): Record<string, unknown> | undefined {
  const add = (versions: unknown): string[] | undefined => (Array.isArray(versions) ? [...new Set([...(versions as string[]), ...SUPPORTED_PROTOCOL_VERSIONS])] : undefined);
  const result = message.result as { supportedVersions?: unknown } | undefined;
  const supportedVersions = add(result?.supportedVersions);
  if (result && supportedVersions) return { ...message, result: { ...result, supportedVersions } };
  const error = message.error as { code?: unknown; data?: { supported?: unknown } } | undefined;
  const supported = error?.code === -32022 ? add(error.data?.supported) : undefined;
  if (error?.data && supported) return { ...message, error: { ...error, data: { ...error.data, supported } } };
  return undefined;
}

/** The caller of a 2026-07-28 tasks/* request, which must declare the extension (ext-tasks: -32021 otherwise). */
function taskCaller(ctx: ServerContext): CommandMetadata {
  if (!declaresTasks(ctx)) throw new MissingRequiredClientCapabilityError({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
  return callerOf(ctx.http?.authInfo).metadata;
}

/** Whether a 2026-07-28 request declares the tasks extension in its per-request client capabilities. */
function declaresTasks(ctx: ServerContext): boolean {
  const extensions = clientCapabilitiesOf(ctx)?.extensions as Record<string, unknown> | undefined;
  return extensions?.[TASKS_EXTENSION] !== undefined;
}

/** `execution.taskSupport` is 2025-11-25 vocabulary; the 2026-07-28 revision has no place for it. */
function withoutTaskSupport(tool: Tool): Tool {
  if (tool.execution === undefined) return tool;
  const { execution: _execution, ...rest } = tool;
  return rest;
}

/** tools/list cursors: opaque to clients, the offset of the next page; anything else is refused as Invalid params. */
function cursorOf(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid params: the cursor is not one tools/list gave', { code: 'tools.invalid_cursor' });
}

/** The stable code of a tool error result (ToolInvoker writes `{ error: { code } }` as its text). */
function errorCodeOf(result: { content: Array<{ type: string; text?: string }> }): string {
  try {
    return (JSON.parse(result.content[0]?.text ?? '{}') as { error?: { code?: string } }).error?.code ?? 'error';
  } catch {
    return 'error';
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function callerOf(authInfo: AuthInfo | undefined): CallerContext {
  const caller = authInfo?.extra?.caller as CallerContext | undefined;
  if (!caller) throw new Error('MCP request without a caller: the endpoint must authenticate first');
  return caller;
}
