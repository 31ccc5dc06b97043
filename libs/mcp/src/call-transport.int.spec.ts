import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import { CallTransport, plainCallOf, writeJsonRpc } from './call-transport.js';

/** A server as the endpoint builds one: a tools/call handler that answers, fails as a tool, or throws a protocol error. */
function echoServer(): Server {
  const server = new Server({ name: 'parity', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/call', async (request, ctx) => {
    if (request.params.name === 'protocol_error') throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'refused', { code: 'x.refused' });
    const caller = ctx.http?.authInfo?.clientId;
    if (request.params.name === 'tool_error') return { isError: true, content: [{ type: 'text', text: `no, ${caller}` }] };
    return { content: [{ type: 'text', text: JSON.stringify(request.params.arguments) }], structuredContent: { caller, args: request.params.arguments ?? null } };
  });
  return server;
}

async function listen(handler: (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void>): Promise<{ url: string; close: () => Promise<void> }> {
  const http: HttpServer = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
      void handler(Object.assign(req, { body: JSON.parse(text) as unknown }), res);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

const auth = { token: '', clientId: 'client-1', scopes: [] };

describe('the 2025 hot path against the SDK transport it stands in for', () => {
  let sdk: Awaited<ReturnType<typeof listen>>;
  let hot: Awaited<ReturnType<typeof listen>>;
  const lane = { server: echoServer(), transport: new CallTransport() };
  /** Requests the hot path would not take: it answers 599 so that a test sees it. */
  let declined = 0;

  beforeAll(async () => {
    // The SDK's own way: a fresh transport per request, JSON responses, the auth on the request.
    sdk = await listen(async (req, res) => {
      const server = echoServer();
      const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(Object.assign(req, { auth }), res, req.body);
    });
    await lane.server.connect(lane.transport);
    hot = await listen(async (req, res) => {
      const request = plainCallOf(req, req.body, lane.transport.supportedVersions);
      if (!request) {
        declined += 1;
        res.writeHead(599).end();
        return;
      }
      writeJsonRpc(res, await lane.transport.exchange(request, auth));
    });
  });

  afterAll(async () => {
    await lane.server.close();
    await Promise.all([sdk.close(), hot.close()]);
  });

  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
  async function both(body: unknown, extra: Record<string, string> = {}): Promise<[Response, Response]> {
    const init = { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) };
    return Promise.all([fetch(sdk.url, init), fetch(hot.url, init)]);
  }

  it.each([
    ['a result with structured content, a numeric id', { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hé', n: [1, { a: null }] } } }],
    ['a result, a string id, no arguments', { jsonrpc: '2.0', id: 'call-1', method: 'tools/call', params: { name: 'echo' } }],
    ['a tool error', { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'tool_error', arguments: {} } }],
    ['a protocol error thrown by the handler', { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'protocol_error', arguments: {} } }],
    ['_meta with a progress token', { jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'echo', arguments: { a: 1 }, _meta: { progressToken: 'p1' } } }],
  ])('answers %s with the same status, headers and bytes', async (_case, body) => {
    const [fromSdk, fromHot] = await both(body);
    expect(fromHot.status).toBe(fromSdk.status);
    expect(fromHot.headers.get('content-type')).toBe(fromSdk.headers.get('content-type'));
    expect(fromHot.headers.get('content-length')).toBe(fromSdk.headers.get('content-length'));
    expect(await fromHot.text()).toBe(await fromSdk.text());
  });

  it('takes a call without the revision header, and a JSON content type with parameters, as the SDK does', async () => {
    const body = { jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'echo', arguments: {} } };
    const before = declined;
    const init = { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', accept: 'text/event-stream, application/json' }, body: JSON.stringify(body) };
    const [fromSdk, fromHot] = await Promise.all([fetch(sdk.url, init), fetch(hot.url, init)]);
    expect(declined).toBe(before);
    expect(await fromHot.text()).toBe(await fromSdk.text());
  });

  it.each([
    ['a notification', { jsonrpc: '2.0', method: 'tools/call', params: { name: 'echo' } }, {}],
    ['a batch', [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }], {}],
    ['another method', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, {}],
    ['an Accept without text/event-stream', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }, { accept: 'application/json' }],
    ['a text/plain body', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }, { 'content-type': 'text/plain' }],
    ['a revision the server does not serve', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }, { 'mcp-protocol-version': '1999-01-01' }],
  ] as [string, unknown, Record<string, string>][])('leaves %s to the SDK transport', async (_case, body, extra) => {
    const before = declined;
    const [, fromHot] = await both(body, extra);
    expect(fromHot.status).toBe(599);
    expect(declined).toBe(before + 1);
  });

  it('serves call after call on the one connected server, each answer for its own request', async () => {
    for (const n of [1, 2, 3]) {
      const response = await fetch(hot.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'echo', arguments: { n } } }) });
      expect(await response.json()).toEqual({ jsonrpc: '2.0', id: n, result: { content: [{ type: 'text', text: JSON.stringify({ n }) }], structuredContent: { caller: 'client-1', args: { n } } } });
    }
  });
});
