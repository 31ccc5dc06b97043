import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicJwk } from './token-forge.js';

export interface JwksServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** A real JWKS endpoint on 127.0.0.1 serving the public halves of `keys`. Test support only. */
export async function startJwksServer(keys: ReadonlyArray<{ kid: string; alg: string; publicKey: KeyObject }>): Promise<JwksServer> {
  const body = JSON.stringify({ keys: keys.map(({ kid, alg, publicKey }) => publicJwk(publicKey, kid, alg)) });
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (request.url !== '/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
