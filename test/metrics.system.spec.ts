import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { callOk, connect, errorOf, MODERN_REVISION } from './support/mcp-session.js';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
const charge = {
  name: 'charge', title: 'Charge', description: 'One call, retried once.',
  inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
  steps: [{ id: 'charge', type: 'call', connector: 'shop', request: { method: 'POST', path: '/charge/{{input.order}}' }, retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 } }],
};

/** The value of one sample line of a Prometheus text scrape, or undefined. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(' ')[0]!;
    if (wanted.every((pair) => labelText.includes(pair))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

interface LogLine {
  level: number;
  msg: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  tenant?: string;
  user?: string;
  client?: string;
  tool?: string;
  outcome?: string;
  responseTime?: number;
}

describe.each(['sqlite', 'postgres'] as const)('/metrics and the logs show what the platform did, on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let alice: Client;
  const tenant = `acme-metrics-${kind}`;
  let aliceToken: string;
  const scrape = (authorization?: string) => fetch(`${h.platform.url}/metrics`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind, { LEDGERLINE_METRICS_TOKEN: METRICS_TOKEN, LEDGERLINE_TOOL_RATE_PER_SEC: '0.01', LEDGERLINE_TOOL_RATE_BURST: '2' });
    aliceToken = h.issuer.mint({ tenantId: tenant, userId: 'alice-metrics', scopes: ['memory:read', 'memory:write', 'automation:charge', 'runs:read'] });
    alice = await connect(h.platform, aliceToken);
    const admin = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'admin', scopes: ['connectors:admin', 'automations:admin'] }));
    await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 2000 } });
    await callOk(admin, 'automation_publish', { definition: charge });
    await admin.close();
  });
  afterAll(async () => {
    await alice?.close();
    await h?.stop();
    await fixture?.close();
  });

  it('refuses a scrape without the token', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer wrong-token-wrong-token-xx')).status).toBe(401);
  });

  it('counts tool calls by tool and outcome, rate-limit rejections, appends, saga step outcomes, projection lag and process memory', async () => {
    await callOk(alice, 'memory_put', { namespace: 'n', key: 'a', value: 1 });
    await callOk(alice, 'memory_put', { namespace: 'n', key: 'b', value: 2 });
    expect(errorOf(await alice.callTool({ name: 'memory_put', arguments: { namespace: 'n', key: 'c', value: 3 } })).code).toBe('tool.rate_limited');
    expect(errorOf(await alice.callTool({ name: 'memory_get', arguments: { namespace: 'n', key: 'missing' } })).code).toBe('memory.not_found');
    expect(errorOf(await alice.callTool({ name: 'no_such_tool', arguments: {} })).code).toBe('tool.unknown');
    fixture.script('/charge/o-1', [{ status: 503 }, { status: 200 }]);
    const { runId } = await callOk<{ runId: string }>(alice, 'charge', { order: 'o-1' });
    // Watched in the log, not with run_get: this platform allows two calls of a tool (burst) and then almost none.
    const deadline = Date.now() + 20_000;
    while (!(await h.store.readStream(tenant, runId)).some((event) => event.type === 'RunCompleted') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await h.store.readStream(tenant, runId)).at(-1)).toMatchObject({ type: 'RunCompleted' });

    const response = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const count = 'ledgerline_tool_call_duration_seconds_count';
    expect(sample(text, count, { tool: 'memory_put', outcome: 'ok' })).toBe(2);
    expect(sample(text, count, { tool: 'memory_put', outcome: 'rate_limited' })).toBe(1);
    expect(sample(text, count, { tool: 'memory_get', outcome: 'not_found' })).toBe(1);
    expect(sample(text, count, { tool: 'unknown', outcome: 'validation' })).toBe(1);
    // Tenants name their automation tools: they share one label, so the metric stays bounded.
    expect(sample(text, count, { tool: 'automation', outcome: 'ok' })).toBe(1);
    expect(text).not.toContain('tool="charge"');
    expect(sample(text, 'ledgerline_rate_limit_rejections_total', { tool: 'memory_put' })).toBe(1);
    expect(sample(text, 'ledgerline_event_append_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'ledgerline_saga_step_outcomes_total', { purpose: 'step', outcome: 'retry' })).toBe(1);
    expect(sample(text, 'ledgerline_saga_step_outcomes_total', { purpose: 'step', outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'ledgerline_projection_lag_events', { projection: 'memory_items' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ledgerline_projection_lag_events', { projection: 'runs' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ledgerline_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Never a tenant, a user, a token or a value.
    for (const secret of [tenant, 'alice-metrics', aliceToken, METRICS_TOKEN, 'o-1']) expect(text).not.toContain(secret);
  });

  it('logs one JSON line per request with its id, tenant, user, client, tool, latency and outcome, and never the token', async () => {
    const mcp = (requestId: string, body: unknown) =>
      fetch(`${h.platform.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': requestId },
        body: JSON.stringify(body),
      });
    const called = await mcp(`req-${kind}-1`, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memory_get', arguments: { namespace: 'n', key: 'a' } } });
    expect(called.status).toBe(200);
    expect(called.headers.get('x-request-id')).toBe(`req-${kind}-1`);
    const rest = await fetch(`${h.platform.url}/v1/runs/run-00000000-0000-0000-0000-000000000000`, { headers: { authorization: `Bearer ${aliceToken}` } });
    const restId = rest.headers.get('x-request-id')!;
    expect(restId).toMatch(/^[0-9a-f-]{36}$/);
    // A malformed request id is not taken: a new one is made.
    expect((await mcp('bad id with spaces', { jsonrpc: '2.0', id: 2, method: 'tools/list' })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const deadline = Date.now() + 5000;
    const lines = (): LogLine[] => h.platform.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
    while (!lines().some((line) => line.req?.id === restId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines().find((line) => line.req?.id === `req-${kind}-1`)).toMatchObject({
      req: { method: 'POST', path: '/mcp' }, res: { statusCode: 200 }, msg: 'POST /mcp 200',
      tenant, user: 'alice-metrics', tool: 'memory_get', outcome: 'ok', responseTime: expect.any(Number),
    });
    expect(lines().find((line) => line.req?.id === restId)).toMatchObject({
      req: { method: 'GET', path: '/v1/runs/run-00000000-0000-0000-0000-000000000000' }, tenant, user: 'alice-metrics', tool: 'GET /v1/runs/:runId', res: { statusCode: rest.status },
    });
    // Tool errors are outcomes too; and nothing anywhere in the logs carries a token.
    expect(lines().some((line) => line.tool === 'memory_get' && line.outcome === 'memory.not_found')).toBe(true);
    expect(h.platform.output()).not.toContain(aliceToken);
    expect(h.platform.output()).not.toContain(METRICS_TOKEN);
  });

  it('gives a request without X-Request-Id one id, the same in its response, its log line and its events', async () => {
    const joined = `${tenant}-joined`;
    const put = await fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      // A tenant of its own: the tests above spent this platform's tiny per-tenant rate on memory_put.
      headers: { authorization: `Bearer ${h.issuer.mint({ tenantId: joined, userId: 'bob', scopes: ['memory:write'] })}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'memory_put', arguments: { namespace: 'joined', key: 'k', value: 1 } } }),
    });
    expect(put.status).toBe(200);
    const id = put.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The store handle here is another process's: it sees the platform's append once committed.
    const deadline = Date.now() + 5000;
    const appendedBy = async (): Promise<string[]> => {
      const events: Array<{ type: string; metadata: Record<string, unknown> }> = [];
      for await (const batch of h.store.readAll({ tenantId: joined })) events.push(...batch);
      return events.filter((event) => event.metadata.correlationId === id).map((event) => event.type);
    };
    while ((await appendedBy()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await appendedBy()).toEqual(['MemoryItemPut']);
    const logged = (): boolean => h.platform.output().split('\n').some((line) => line.includes(`"id":"${id}"`) && line.includes("\"tool\":\"memory_put\""));
    while (!logged() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged()).toBe(true);
  });

  it(`counts a ${MODERN_REVISION} call in the tool metric and logs it with its tool and outcome, like a 2025 one`, async () => {
    const count = 'ledgerline_tool_call_duration_seconds_count';
    const calls = async (labels: Record<string, string>): Promise<number> => sample(await (await scrape(`Bearer ${METRICS_TOKEN}`)).text(), count, labels) ?? 0;
    const okBefore = await calls({ tool: 'memory_put', outcome: 'ok' });
    const notFoundBefore = await calls({ tool: 'memory_get', outcome: 'not_found' });
    const requestId = `req-${kind}-modern`;
    // A tenant of its own: the tests above spent this platform's tiny per-tenant rate.
    const modern = await connect(h.platform, h.issuer.mint({ tenantId: `${tenant}-modern`, userId: 'frank', scopes: ['memory:read', 'memory:write'] }), { revision: MODERN_REVISION, headers: { 'x-request-id': requestId } });
    await callOk(modern, 'memory_put', { namespace: 'n', key: 'modern', value: 1 });
    expect(errorOf(await modern.callTool({ name: 'memory_get', arguments: { namespace: 'n', key: 'missing' } })).code).toBe('memory.not_found');
    await modern.close();
    expect(await calls({ tool: 'memory_put', outcome: 'ok' })).toBe(okBefore + 1);
    expect(await calls({ tool: 'memory_get', outcome: 'not_found' })).toBe(notFoundBefore + 1);

    const lines = (): LogLine[] => h.platform.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine).filter((line) => line.req?.id === requestId);
    const deadline = Date.now() + 5000;
    while (lines().filter((line) => line.tool !== undefined).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines().filter((line) => line.tool !== undefined).map((line) => [line.tool, line.outcome, line.tenant, line.user, line.res?.statusCode]))
      .toEqual([['memory_put', 'ok', `${tenant}-modern`, 'frank', 200], ['memory_get', 'memory.not_found', `${tenant}-modern`, 'frank', 200]]);
  });
});
