import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface TokenProxy {
  /** `http://127.0.0.1:<port>`: where clients that cannot authenticate connect. */
  url: string;
  /** The origins a browser on this proxy's address would send (`http://127.0.0.1:<port>`, `http://localhost:<port>`). */
  origins: readonly string[];
  /** From now on, every request goes to `target` (an origin) with `Authorization: Bearer <token>`. */
  forwardTo(target: string, token: string): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy for a client that does not authenticate (the MCP conformance suite): it
 * adds `Authorization: Bearer <token>` to each request, in place of any the client sent, and passes
 * everything else through as it came: method, path, every other header with its name's spelling
 * and its order (Host and Origin included, so the platform judges the client's own), the body as
 * it streams, and the answer's status, headers and body the same way back.
 * It listens before it knows its target: the platform's allowed origins must name the proxy's
 * address, so the proxy's port has to exist when the platform starts. Until `forwardTo`, it
 * answers 503.
 */
export async function startTokenProxy(): Promise<TokenProxy> {
  let upstream: { target: URL; authorization: string } | undefined;
  const server: Server = createServer((incoming, outgoing) => {
    if (!upstream) {
      outgoing.writeHead(503, { 'content-type': 'text/plain' }).end('token proxy: no target yet');
      return;
    }
    const { target, authorization } = upstream;
    const forwarded = request(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: withAuthorization(incoming, authorization), agent: false },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => (outgoing.headersSent ? outgoing.destroy() : outgoing.writeHead(502).end()));
    incoming.on('error', () => forwarded.destroy());
    outgoing.on('close', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
    forwardTo(target, token) {
      upstream = { target: new URL(target), authorization: `Bearer ${token}` };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The request's raw headers (names as spelt, in order), with its Authorization replaced by ours. */
function withAuthorization(incoming: IncomingMessage, authorization: string): string[] {
  const headers: string[] = [];
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i]!;
    if (name.toLowerCase() !== 'authorization') headers.push(name, incoming.rawHeaders[i + 1]!);
  }
  headers.push('Authorization', authorization);
  return headers;
}
