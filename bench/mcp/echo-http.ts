// What the SDK echo servers share: node:http on loopback, /ready for the bench, and every other
// request's JSON body read and parsed before the SDK sees it (as Express does for the platform).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export function listenWithParsedBodies(port: number, name: string, serve: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>): void {
  createServer((req, res) => {
    if (req.url === '/ready') return void res.end('ready');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      serve(req, res, chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined).catch((error: unknown) => {
        process.stderr.write(`${name}: ${String(error)}\n`);
        res.destroy();
      });
    });
  }).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
}
