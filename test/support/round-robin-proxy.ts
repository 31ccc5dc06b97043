import { createServer, request, type Server } from 'node:http';

export interface RoundRobinProxy {
  url: string;
  /** Which backend answered each request, in order: `<backend index> <method> <path>`. */
  readonly served: readonly string[];
  close(): Promise<void>;
}

/**
 * A load balancer in front of several platform instances, as in a deployment: one public origin,
 * each request to the next instance in turn, headers passed through (the Host the browser used).
 */
export async function startRoundRobinProxy(port: number, backends: readonly string[]): Promise<RoundRobinProxy> {
  const served: string[] = [];
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const index = next++ % backends.length;
    served.push(`${index} ${incoming.method} ${incoming.url}`);
    const target = new URL(incoming.url ?? '/', backends[index]);
    const forwarded = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.headersSent ? outgoing.destroy() : outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
