// The baseline: a bare @modelcontextprotocol/sdk server with a no-op echo tool, stateless (no
// session), on node:http with JSON bodies, in one of two modes:
//   per-request  the SDK's documented stateless pattern: a new McpServer and transport per request;
//   pooled       a pool of idle McpServer objects, each connected to a new transport per request
//                and returned once that transport closed (a server handles one request at a time,
//                so no state crosses requests): the fastest correct stateless mode we found.
// Usage: node echo-server.js <port> <per-request|pooled>
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { listenWithParsedBodies } from './echo-http.js';

const port = Number(process.argv[2]);
const mode = process.argv[3];
if (mode !== 'per-request' && mode !== 'pooled') throw new Error(`usage: echo-server.js <port> <per-request|pooled>, not ${mode}`);

function echoServer(): McpServer {
  const server = new McpServer({ name: 'echo', version: '1.0.0' });
  server.registerTool('echo', { description: 'echoes its text', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

const idle: McpServer[] = [];

async function serve(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const server = mode === 'pooled' ? (idle.pop() ?? echoServer()) : echoServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    // Closing the transport disconnects the server (Protocol._onclose): it may take the next request.
    if (mode === 'pooled' && !server.isConnected()) idle.push(server);
    else void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

listenWithParsedBodies(port, 'echo server', serve);
