import { expect } from '@jest/globals';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport, type CallToolResult, type Tool } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { PlatformProcess } from './platform-process.js';
import { rest, type RestAnswer } from './rest.js';

/**
 * The revisions every front-door behaviour is tested on: the newest of the 2025 era (an
 * `initialize` handshake, then calls) and 2026-07-28 (no handshake: a `_meta` envelope and the
 * MCP-Protocol-Version, Mcp-Method and Mcp-Name headers on every request).
 */
export const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
export type Revision = (typeof REVISIONS)[number];
export const MODERN_REVISION = '2026-07-28' satisfies Revision;
/** Every 2025 revision the platform still serves, oldest last. */
export const LEGACY_REVISIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type LegacyRevision = (typeof LEGACY_REVISIONS)[number];

const CLIENT_INFO = { name: 'ledgerline-system-test', version: '1.0.0' };

export interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** What the tests need of an MCP client, whichever SDK and revision is behind it. */
export interface McpSession {
  readonly revision: Revision;
  callTool(params: ToolCall): Promise<CallToolResult>;
  listTools(): Promise<{ tools: Tool[] }>;
  close(): Promise<void>;
}

/** Anything that calls tools: the v1 client, the v2 client, a session. */
export interface ToolCaller {
  callTool(params: ToolCall): Promise<unknown>;
}

export interface ConnectOptions {
  revision: Revision;
  /** Sent with every request (a traceparent, an X-Request-Id). */
  headers?: Record<string, string>;
}

/**
 * A real MCP SDK client, connected to the platform with a bearer token. Without options: the v1
 * client, on 2025-11-25. With a revision: a session on that revision, 2025-11-25 through the v1
 * client, 2026-07-28 through the v2 client negotiating it (`server/discover`) as a real one would.
 */
export function connect(platform: PlatformProcess, token: string): Promise<Client>;
export function connect(platform: PlatformProcess, token: string, options: ConnectOptions): Promise<McpSession>;
export async function connect(platform: PlatformProcess, token: string, options?: ConnectOptions): Promise<Client | McpSession> {
  const url = new URL(`${platform.url}/mcp`);
  const requestInit = { headers: { Authorization: `Bearer ${token}`, ...options?.headers } };
  if (options?.revision === MODERN_REVISION) {
    const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new ModernTransport(url, { requestInit }));
    // 'auto' falls back to initialize against a server without 2026-07-28: that would test the wrong revision.
    if (client.getProtocolEra() !== 'modern') throw new Error(`the v2 client landed on the ${client.getProtocolEra()} era, not on ${MODERN_REVISION}`);
    const session: McpSession = {
      revision: MODERN_REVISION,
      callTool: (params) => client.callTool(params),
      listTools: () => client.listTools(),
      close: () => client.close(),
    };
    return session;
  }
  const client = new Client(CLIENT_INFO);
  const transport = new StreamableHTTPClientTransport(url, { requestInit });
  await client.connect(transport);
  if (options === undefined) return client;
  const negotiated = transport.protocolVersion;
  if (negotiated !== options.revision) throw new Error(`the v1 client negotiated ${String(negotiated)}, not ${options.revision}`);
  const session: McpSession = {
    revision: options.revision,
    // The v1 client's result type also admits the pre-2024-11-05 `toolResult` shape, which no revision here answers with.
    callTool: async (params) => (await client.callTool(params)) as CallToolResult,
    listTools: async () => (await client.listTools()) as { tools: Tool[] },
    close: () => client.close(),
  };
  return session;
}

export interface ToolError {
  code: string;
  kind: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The typed error of a tool result that must be one. */
export function errorOf(result: unknown): ToolError {
  const call = result as CallToolResult;
  expect(call.isError).toBe(true);
  const text = (call.content[0] as { text: string }).text;
  return (JSON.parse(text) as { error: ToolError }).error;
}

/** Calls a tool that must succeed and returns its structured result. */
export async function callOk<T = Record<string, unknown>>(client: ToolCaller, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${(result.content[0] as { text: string }).text}`);
  return result.structuredContent as T;
}

export interface RpcRequest {
  id?: number | string;
  method: string;
  params?: Record<string, unknown>;
}

/** The bytes of one request as a client on `revision` sends them (the v2 client's, captured, for 2026-07-28). */
export interface WireRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * One JSON-RPC request shaped for `revision`. On 2026-07-28: the envelope in `params._meta`
 * (beside any `_meta` keys of the caller's, as the v2 client merges them), and the MCP-Protocol-Version,
 * Mcp-Method and, for a named call, Mcp-Name headers. On 2025-11-25: the MCP-Protocol-Version
 * header a client sends after `initialize` (stateless: there is no session to name).
 */
export function wireRequest(revision: Revision | LegacyRevision, request: RpcRequest): WireRequest {
  const { id = 1, method, params = {} } = request;
  if (revision !== MODERN_REVISION) {
    return { headers: { 'MCP-Protocol-Version': revision }, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) };
  }
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': MODERN_REVISION,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const meta = typeof params._meta === 'object' && params._meta !== null ? (params._meta as Record<string, unknown>) : {};
  const headers: Record<string, string> = { 'MCP-Protocol-Version': MODERN_REVISION, 'Mcp-Method': method };
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  if (typeof name === 'string') headers['Mcp-Name'] = headerValue(name);
  return { headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...envelope, ...meta } } }) };
}

/** The spec's value encoding: plain visible ASCII as is, anything else (or the sentinel itself) in the Base64 sentinel. */
function headerValue(value: string): string {
  const plain = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='));
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export interface RawPost {
  /** Sent in place of the request's own (for a body a JSON encoder cannot write, e.g. nested 10,000 levels deep). */
  body?: string;
  /** Added to, or replacing, the request's headers; `undefined` leaves one out. */
  headers?: Record<string, string | undefined>;
}

/** POSTs one request, shaped for `revision`, to /mcp: the answer read whole. `token` undefined sends no Authorization. */
export function postMcp(platform: PlatformProcess, token: string | undefined, revision: Revision | LegacyRevision, request: RpcRequest, raw: RawPost = {}): Promise<RestAnswer> {
  const wire = wireRequest(revision, request);
  const headers = Object.entries({ Accept: 'application/json, text/event-stream', ...wire.headers, ...raw.headers }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return rest(platform.url, 'POST', '/mcp', token, raw.body ?? wire.body, Object.fromEntries(headers));
}

/** A tools/call shaped for `revision`, answered with a tool result (the JSON-RPC `result`), or undefined when the answer is not one. */
export async function postToolCall(platform: PlatformProcess, token: string, revision: Revision, call: ToolCall, raw: RawPost = {}): Promise<{ answer: RestAnswer; result: CallToolResult | undefined }> {
  const answer = await postMcp(platform, token, revision, { method: 'tools/call', params: { ...call } }, raw);
  return { answer, result: answer.body.result as CallToolResult | undefined };
}
