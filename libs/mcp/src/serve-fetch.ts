import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AuthInfo, McpHttpHandler } from '@modelcontextprotocol/server';

/**
 * Hands an already-parsed request to the SDK's web-standard handler and writes its Response to
 * Node's. `toNodeHandler` would do it, but it re-serialises the parsed body for the Request's
 * sake (JSON.stringify, recursive: a body nested some thousands of levels deep overflows the stack
 * before our depth check can refuse it as a tool error), and the handler reads `parsedBody` anyway.
 * The Request carries the headers only; the exchange is aborted when the client goes away.
 */
export async function serveFetch(
  handler: McpHttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody: unknown,
  authInfo: AuthInfo,
  /** Rewrites a JSON error or server/discover answer (the endpoint adds what the SDK cannot know, e.g. the 2025 revisions it also serves); undefined: as is. */
  rewrite?: (message: Record<string, unknown>) => Record<string, unknown> | undefined,
  /** Called once the exchange is over, with the Request the handler saw (the endpoint takes its server back). */
  settled?: (request: Request) => void,
): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':') || name === 'content-length' || name === 'transfer-encoding' || name === 'content-encoding') continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, signal: abort.signal });
  try {
    await exchange(handler, request, res, parsedBody, authInfo, rewrite);
  } finally {
    settled?.(request);
  }
}

async function exchange(
  handler: McpHttpHandler,
  request: Request,
  res: ServerResponse,
  parsedBody: unknown,
  authInfo: AuthInfo,
  rewrite: ((message: Record<string, unknown>) => Record<string, unknown> | undefined) | undefined,
): Promise<void> {
  const response = await handler.fetch(request, { authInfo, parsedBody });
  // Only what may need it is parsed again: errors, and server/discover's answer (not the hot path's results).
  const mayRewrite = response.status >= 400 || (parsedBody as { method?: unknown } | null)?.method === 'server/discover';
  if (rewrite && mayRewrite && response.headers.get('content-type')?.startsWith('application/json')) {
    const message = (await response.json()) as Record<string, unknown>;
    const body = JSON.stringify(rewrite(message) ?? message);
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': String(Buffer.byteLength(body)) }).end(body);
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  try {
    for await (const chunk of response.body) {
      if (request.signal.aborted) break;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(request.signal, 'abort')]);
    }
  } catch {
    // The client went away (or the stream was cancelled): nothing more to write.
  }
  res.end();
}
