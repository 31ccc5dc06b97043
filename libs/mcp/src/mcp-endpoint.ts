import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { PRODUCT, type CommandMetadata } from '#core';
import { logContext, type RequestLogContext } from '#observability';
import { ToolInvoker } from './tool-invoker.js';

const SERVER_INFO = { name: 'ledgerline', version: PRODUCT.version };
const MAX_IDLE_SERVERS = 64;

/** The per-request context the endpoint hands to the MCP server through the transport's auth slot. */
interface CallerContext {
  metadata: CommandMetadata;
  /** The request's log line: the tool called and its outcome go there. */
  log: RequestLogContext;
}

/**
 * The stateless Streamable HTTP endpoint: every POST gets a fresh transport (transports cannot be
 * reused) connected to an idle MCP server object from a pool (servers can, and building one per
 * request costs half the throughput). Nothing about the caller outlives the request: the caller
 * travels in the transport's `auth` slot and the handlers read it from the request, so any
 * instance can serve any call.
 */
@Injectable()
export class McpEndpoint implements OnModuleDestroy {
  private readonly idle: Server[] = [];

  constructor(private readonly invoker: ToolInvoker) {}

  async handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse, metadata: CommandMetadata): Promise<void> {
    const server = this.idle.pop() ?? this.createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void server.close().then(() => {
        if (this.idle.length < MAX_IDLE_SERVERS) this.idle.push(server);
      });
    });
    await server.connect(transport);
    const caller: CallerContext = { metadata, log: logContext(req) };
    const auth: AuthInfo = { token: '', clientId: metadata.clientId, scopes: [...metadata.scopes], extra: { caller } };
    await transport.handleRequest(Object.assign(req, { auth }), res, req.body);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((server) => server.close()));
  }

  private createServer(): Server {
    const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } } });
    server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
      const { metadata } = callerOf(extra.authInfo);
      return { tools: await this.invoker.list(metadata.tenantId, metadata.scopes) };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { metadata, log } = callerOf(extra.authInfo);
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

function callerOf(authInfo: AuthInfo | undefined): CallerContext {
  const caller = authInfo?.extra?.caller as CallerContext | undefined;
  if (!caller) throw new Error('MCP request without a caller: the endpoint must authenticate first');
  return caller;
}
