// The physical-limit row: node:http answering a JSON-RPC request (the same tools/call body the
// other rows get) with a fixed result, parsing the body only for its id. No MCP, no validation:
// what the HTTP stack and JSON costs on this machine, under the same load generator.
// Usage: node raw-echo-server.js <port>
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const RESULT = '{"content":[{"type":"text","text":"hello"}]}';

createServer((req, res) => {
  if (req.url === '/ready') return void res.end('ready');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { id } = JSON.parse(Buffer.concat(chunks).toString()) as { id: unknown };
    const body = `{"result":${RESULT},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
