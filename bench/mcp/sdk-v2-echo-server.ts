// The 2026-07-28 baseline: a bare MCP TypeScript SDK v2 server (@modelcontextprotocol/server) with
// a no-op echo tool, served the way the platform serves that revision (libs/mcp/src/mcp-endpoint.ts):
// createMcpHandler with a fresh McpServer per request (the SDK's entry builds one per request;
// there is no pooled mode), legacy traffic rejected, JSON responses, mounted on node:http with
// toNodeHandler from @modelcontextprotocol/node and handed the body already parsed, as Express
// hands the platform's. It answers 2026-07-28 requests only (the envelope in `_meta` and the
// MCP-Protocol-Version, Mcp-Method and Mcp-Name headers).
// Usage: node sdk-v2-echo-server.js <port>
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { listenWithParsedBodies } from './echo-http.js';

const port = Number(process.argv[2]);

function echoServer(): McpServer {
  const server = new McpServer({ name: 'echo', version: '1.0.0' });
  server.registerTool('echo', { description: 'echoes its text', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

const onerror = (error: Error): void => void process.stderr.write(`sdk v2 echo server: ${error.message}\n`);
const serve = toNodeHandler(createMcpHandler(() => echoServer(), { legacy: 'reject', responseMode: 'json', onerror }), { onerror });

listenWithParsedBodies(port, 'sdk v2 echo server', serve);
