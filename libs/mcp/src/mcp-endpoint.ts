import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { classifyInboundRequest, createMcpHandler, Server, type AuthInfo, type McpHttpHandler } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport, toNodeHandler, type NodeMcpRequestHandler } from '@modelcontextprotocol/node';
import { PRODUCT, type CommandMetadata } from '#core';
import { logContext, type RequestLogContext } from '#observability';
import { SERVER_INSTRUCTIONS } from './server-instructions.js';
import { ToolInvoker } from './tool-invoker.js';

const SERVER_INFO = { name: 'ledgerline', title: 'Ledgerline', version: PRODUCT.version };
const MAX_IDLE_SERVERS = 64;

/** The per-request context the endpoint hands to the MCP server through the transport's auth slot. */
interface CallerContext {
  metadata: CommandMetadata;
  /** The request's log line: the tool called and its outcome go there. */
  log: RequestLogContext;
}

/**
 * The Streamable HTTP endpoint, on the TypeScript SDK's v2 server, stateless on every revision:
 * - 2026-07-28 requests (the `_meta` envelope on every request, `server/discover`, no handshake)
 *   go to the SDK's `createMcpHandler`, a fresh low-level `Server` per request;
 * - 2025-era requests (`initialize`, then calls without a session) are classified by the SDK's own
 *   classifier and served the way they were before: a fresh transport with JSON responses on a
 *   server from a pool of idle ones (building one per request costs half the throughput).
 * Nothing about the caller outlives the request: the caller travels in the `authInfo` slot and the
 * handlers read it from their context, so any instance serves any call.
 */
@Injectable()
export class McpEndpoint implements OnModuleDestroy {
  private readonly logger = new Logger(McpEndpoint.name);
  private readonly modern: McpHttpHandler;
  private readonly serveModern: NodeMcpRequestHandler;
  private readonly idleLegacy: Server[] = [];

  constructor(private readonly invoker: ToolInvoker) {
    const onerror = (error: Error): void => this.logger.warn(`MCP exchange failed: ${error.message}`);
    this.modern = createMcpHandler(() => this.createServer(), { legacy: 'reject', responseMode: 'json', onerror });
    this.serveModern = toNodeHandler(this.modern, { onerror });
  }

  async handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse, metadata: CommandMetadata): Promise<void> {
    const caller: CallerContext = { metadata, log: logContext(req) };
    const auth: AuthInfo = { token: '', clientId: metadata.clientId, scopes: [...metadata.scopes], extra: { caller } };
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body: req.body,
      protocolVersionHeader: headerOf(req, 'mcp-protocol-version'),
      mcpMethodHeader: headerOf(req, 'mcp-method'),
      mcpNameHeader: headerOf(req, 'mcp-name'),
    });
    if (route.kind === 'legacy') await this.serveLegacy(Object.assign(req, { auth }), res);
    // The modern handler classifies again (cheap) and answers rejections itself, with their exact codes.
    else await this.serveModern(Object.assign(req, { auth }), res, req.body);
  }

  async onModuleDestroy(): Promise<void> {
    await this.modern.close();
    await Promise.all(this.idleLegacy.splice(0).map((server) => server.close()));
  }

  private async serveLegacy(req: IncomingMessage & { body?: unknown; auth: AuthInfo }, res: ServerResponse): Promise<void> {
    const server = this.idleLegacy.pop() ?? this.createServer();
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void server.close().then(() => {
        if (this.idleLegacy.length < MAX_IDLE_SERVERS) this.idleLegacy.push(server);
      });
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private createServer(): Server {
    const server = new Server(SERVER_INFO, {
      capabilities: { tools: { listChanged: false } },
      instructions: SERVER_INSTRUCTIONS,
    });
    server.setRequestHandler('tools/list', async (_request, ctx) => {
      const { metadata } = callerOf(ctx.http?.authInfo);
      return { tools: await this.invoker.list(metadata.tenantId, metadata.scopes) };
    });
    server.setRequestHandler('tools/call', async (request, ctx) => {
      const { metadata, log } = callerOf(ctx.http?.authInfo);
      const idempotencyKey = request.params._meta?.['io.ledgerline/idempotency-key'];
      log.tool = request.params.name;
      const result = await this.invoker.call(request.params.name, request.params.arguments, {
        ...metadata,
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : metadata.idempotencyKey,
      });
      log.outcome = result.isError ? errorCodeOf(result) : 'ok';
      return result;
    });
    return server;
  }
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
