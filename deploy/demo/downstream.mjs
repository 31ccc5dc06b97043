// A stand-in for a tenant's own system, for trying automations by hand: answers every POST/PUT
// with JSON { ok, id, path, received } and replays the first answer for a repeated
// Idempotency-Key, as payment APIs do. Logs each call (never the Authorization value).
// Usage: node deploy/demo/downstream.mjs [port=4000]
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4000);
const answered = new Map();
let nextId = 1;

createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const key = req.headers['idempotency-key'];
    const replay = key !== undefined && answered.has(`${req.url} ${key}`);
    const answer = replay ? answered.get(`${req.url} ${key}`) : JSON.stringify({ ok: true, id: `d-${nextId++}`, path: req.url, received: body ? JSON.parse(body) : null });
    if (key !== undefined) answered.set(`${req.url} ${key}`, answer);
    console.log(`${req.method} ${req.url} idempotency-key=${key ?? '-'} authorization=${req.headers.authorization ? 'present' : 'absent'}${replay ? ' (replayed)' : ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  });
}).listen(port, '127.0.0.1', () => console.log(`demo downstream on http://127.0.0.1:${port}`));
