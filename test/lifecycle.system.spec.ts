import { afterEach, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { DevIssuer } from '#auth';
import { PostgresEventStore } from '#event-store';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * How the platform behaves at the edges of its life: a SIGTERM drains (readiness false, calls under
 * way finish, the process exits 0, nothing acknowledged is lost), slow clients are cut, and a lost
 * database makes calls fail at once with a typed error and the platform recovers by itself.
 */
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

function tokenFor(platform: PlatformProcess, tenantId: string, scopes: string[]): string {
  return DevIssuer.openOrCreate(platform.dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` }).mint({ tenantId, userId: 'ops', scopes });
}

function toolCallBody(name: string, args: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });
}

const mcpHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' });

interface ToolAnswer {
  status: number;
  error?: { code: string; kind: string };
  output?: Record<string, unknown>;
}

async function callTool(platform: PlatformProcess, token: string, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  const response = await fetch(`${platform.url}/mcp`, { method: 'POST', headers: mcpHeaders(token), body: toolCallBody(name, args) });
  const body = (await response.json()) as { result?: { isError?: boolean; content: Array<{ text: string }>; structuredContent?: Record<string, unknown> } };
  if (body.result?.isError) return { status: response.status, error: (JSON.parse(body.result.content[0]!.text) as { error: ToolAnswer['error'] }).error };
  return { status: response.status, output: body.result?.structuredContent };
}

/** A raw socket: what a slow or hostile client sees, byte for byte. */
function rawSocket(platform: PlatformProcess): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(platform.url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = tcpConnect(Number(port), hostname, () => resolve({ socket, received: () => received, closed }));
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', reject);
  });
}

describe('SIGTERM drains the platform', () => {
  it('turns readiness false, finishes the call under way, refuses new connections, exits 0 and keeps the write', async () => {
    const platform = await startPlatform({ LEDGERLINE_SHUTDOWN_DELAY_MS: '1500', LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '20000' });
    cleanup.push(() => platform.stop());
    const token = tokenFor(platform, 'drain', ['memory:read', 'memory:write']);

    // A call under way: headers and half its body are in; the rest comes after the SIGTERM.
    const body = toolCallBody('memory_put', { namespace: 'drain', key: 'in-flight', value: { kept: true } });
    let inFlight: ReturnType<typeof httpRequest> | undefined;
    const answered = new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const request = httpRequest(`${platform.url}/mcp`, { method: 'POST', agent: false, headers: { ...mcpHeaders(token), 'content-length': Buffer.byteLength(body) } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }));
      });
      request.on('error', reject);
      request.write(body.slice(0, 20));
      inFlight = request;
    });
    await sleep(300);

    platform.signal('SIGTERM');
    const draining = await eventually(async () => {
      const response = await fetch(`${platform.url}/readyz`);
      return response.status === 503 ? ((await response.json()) as { status: string }) : undefined;
    });
    expect(draining.status).toBe('draining');
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200); // alive, just not ready
    const during = await callTool(platform, token, 'memory_put', { namespace: 'drain', key: 'during-delay', value: 1 });
    expect(during.error).toBeUndefined(); // still served while load balancers notice

    // After the delay the listener is closed: a new connection is refused.
    await eventually(async () => (await fetch(`${platform.url}/healthz`).then(() => false, () => true)) || undefined, 10_000);

    inFlight!.end(body.slice(20));
    const answer = await answered;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.text)).toMatchObject({ result: { structuredContent: { key: 'in-flight' } } });
    expect(await platform.exited).toEqual({ code: 0, signal: null });
    expect(platform.output()).toContain('in-flight requests finished');

    // Every acknowledged write is there after a restart on the same data.
    const again = await startPlatform({ LEDGERLINE_DATA_DIR: platform.dataDir });
    cleanup.push(() => again.stop());
    const readToken = tokenFor(again, 'drain', ['memory:read']);
    expect((await callTool(again, readToken, 'memory_get', { namespace: 'drain', key: 'in-flight' })).output).toMatchObject({ value: { kept: true } });
    expect((await callTool(again, readToken, 'memory_get', { namespace: 'drain', key: 'during-delay' })).output).toMatchObject({ value: 1 });
  });
});

describe('slow clients', () => {
  let platform: PlatformProcess;

  async function start(): Promise<void> {
    platform = await startPlatform({ LEDGERLINE_HTTP_HEADERS_TIMEOUT_MS: '1000', LEDGERLINE_HTTP_REQUEST_TIMEOUT_MS: '2000' });
    cleanup.push(() => platform.stop());
  }

  it('cuts a client that trickles its headers (slowloris) and one that trickles its body, and serves others meanwhile', async () => {
    await start();
    const trickling: Array<Promise<{ closedEarly: boolean; received: string }>> = [];
    for (let i = 0; i < 10; i++) {
      for (const withBody of [false, true]) {
        trickling.push(
          (async () => {
            const { socket, received, closed } = await rawSocket(platform);
            socket.write(withBody ? 'POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{' : 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
            // Trickle for up to 12 s, a byte-sized piece every 200 ms; the server must hang up long before.
            const cutoff = Date.now() + 12_000;
            const state = { open: true };
            void closed.then(() => (state.open = false));
            while (state.open && Date.now() < cutoff) {
              socket.write(withBody ? ' ' : `X-Slow-${Date.now()}: 1\r\n`, () => undefined);
              await sleep(200);
            }
            socket.destroy();
            return { closedEarly: !state.open && Date.now() < cutoff, received: received() };
          })(),
        );
      }
    }
    await sleep(500);
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200); // a normal client is served while 20 sockets trickle
    for (const outcome of await Promise.all(trickling)) {
      expect(outcome.closedEarly).toBe(true);
      expect(outcome.received).toMatch(/^HTTP\/1\.1 408|^$/);
    }
  });

  it('keeps an idle keep-alive connection open longer than the request timeouts', async () => {
    await start();
    const { socket, received } = await rawSocket(platform);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => (received().includes('"ok"') ? true : undefined), 5000);
    await sleep(6000); // longer than the 1 s headers and 2 s request timeouts, and than Node's default 5 s keep-alive
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => (received().split('HTTP/1.1 200').length === 3 ? true : undefined), 5000);
    socket.destroy();
  });
});

describe('a lost database', () => {
  it('fails calls at once with a typed, retryable error, appends nothing, and recovers by itself', async () => {
    const database = await createTestDatabase();
    cleanup.push(database.drop);
    const direct = new URL(database.url);
    const proxy: TcpProxy = await startTcpProxy(direct.hostname, Number(direct.port));
    cleanup.push(() => proxy.close());
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    const platform = await startPlatform({ DATABASE_URL: proxied.toString(), LEDGERLINE_PG_POOL_SIZE: '4', LEDGERLINE_PG_CONNECT_TIMEOUT_MS: '2000' });
    cleanup.push(() => platform.stop());
    const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 1 });
    cleanup.push(() => store.close());
    const token = tokenFor(platform, 'lost-db', ['memory:read', 'memory:write', 'audit:read']);
    expect((await callTool(platform, token, 'memory_put', { namespace: 'n', key: 'before', value: 1 })).error).toBeUndefined();
    const head = await store.committedPosition('lost-db');

    await proxy.cut();
    const refused = await callTool(platform, token, 'memory_put', { namespace: 'n', key: 'during', value: 2 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${platform.output().slice(-3000)}`);
    });
    expect(refused.error).toMatchObject({ code: 'store.unavailable', kind: 'unavailable' });
    const rest = await fetch(`${platform.url}/v1/audit`, { headers: { authorization: `Bearer ${token}` } });
    expect({ status: rest.status, body: await rest.clone().text() }).toMatchObject({ status: 503 });
    expect(rest.headers.get('retry-after')).toBe('1');
    expect(await rest.json()).toMatchObject({ error: { code: 'store.unavailable' } });
    expect((await fetch(`${platform.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200);
    expect(await store.committedPosition('lost-db')).toBe(head);

    await proxy.restore();
    await eventually(async () => ((await callTool(platform, token, 'memory_put', { namespace: 'n', key: 'after', value: 3 })).error ? undefined : true));
    // The projector followed again: the write is read back at once.
    expect((await callTool(platform, token, 'memory_get', { namespace: 'n', key: 'after' })).output).toMatchObject({ value: 3 });
    expect((await callTool(platform, token, 'memory_get', { namespace: 'n', key: 'during' })).error).toMatchObject({ code: 'memory.not_found' });
    expect((await fetch(`${platform.url}/readyz`)).status).toBe(200);
    expect(platform.output()).not.toMatch(/Unexpected error on idle client|UnhandledPromiseRejection/);
  });
});
