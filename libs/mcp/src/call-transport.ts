import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType, type AuthInfo, type JSONRPCMessage, type JSONRPCRequest, type Transport } from '@modelcontextprotocol/server';

/**
 * A transport that stays connected to its server across requests and carries one JSON-RPC request
 * at a time: the message goes to the server's protocol layer, and the promise resolves with the
 * response the server sends for it. What the SDK's Streamable HTTP transport does around that (a web
 * Request and Response per request, a transport and a connect per request, parsing the message again)
 * is what the 2025 leg's hot path spends most of its SDK time on; `plainCallOf` admits only the
 * requests for which that work decides nothing.
 */
export class CallTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** What the server says it supports, handed over on connect (the Streamable HTTP transport checks the header against it). */
  supportedVersions: readonly string[] = [];
  private answer?: { id: JSONRPCRequest['id']; resolve: (message: JSONRPCMessage) => void };

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  setSupportedProtocolVersions(versions: string[]): void {
    this.supportedVersions = versions;
  }

  /** Notifications and anything else the server sends are dropped, as the SDK's transport does in JSON response mode. */
  async send(message: JSONRPCMessage): Promise<void> {
    const waiting = this.answer;
    if (!waiting || !('id' in message) || message.id !== waiting.id || !('result' in message || 'error' in message)) return;
    this.answer = undefined;
    waiting.resolve(message);
  }

  /** The server's response to one request (one at a time: a pooled server serves one request until it answers). */
  exchange(request: JSONRPCRequest, authInfo: AuthInfo): Promise<JSONRPCMessage> {
    return new Promise((resolve) => {
      this.answer = { id: request.id, resolve };
      this.onmessage?.(request, { authInfo });
    });
  }
}

/**
 * The request as a plain 2025-era tools/call the hot path may serve, or undefined for the SDK's
 * transport to answer. The body was already found a valid JSON-RPC request (with an id: not a
 * notification) by the SDK's classifier; beside that, these are the Streamable HTTP transport's own checks (Accept, Content-Type, the revision header),
 * each of which, when it fails, the SDK answers with its error.
 */
export function plainCallOf(req: IncomingMessage, body: unknown, supportedVersions: readonly string[]): JSONRPCRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { method, id } = body as { method?: unknown; id?: unknown };
  if (method !== 'tools/call' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  const accept = req.headers.accept;
  if (accept === undefined || !accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !isJsonContentType(contentType)) return undefined;
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && (typeof version !== 'string' || !supportedVersions.includes(version))) return undefined;
  return body as JSONRPCRequest;
}

/** Writes a server's JSON-RPC answer as the SDK's transport writes a JSON response: 200, application/json, the message as is. */
export function writeJsonRpc(res: ServerResponse, message: JSONRPCMessage): void {
  const body = JSON.stringify(message);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
}
