import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { DevIssuer } from '#auth';
import type { EventStore } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, MODERN_REVISION } from './support/mcp-session.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import type { PlatformProcess } from './support/platform-process.js';

const SECRET = 'sk_live_TRACE_s3cret_never_in_spans';
const MEMORY_VALUE = 'alice.private@example.com remembers 4111-1111';
const ORDER = 'ord-PRIVATE-7731';
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

const charge = {
  name: 'charge', title: 'Charge', description: 'One call, retried once.',
  inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
  steps: [{ id: 'charge', type: 'call', connector: 'shop', request: { method: 'POST', path: '/charge/{{input.order}}' }, retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 } }],
};

/** A caller's span: the trace and span ids it sends as `traceparent`. */
function callerSpan(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The real MCP SDK client, sending the caller's trace context with every request. */
async function connectTraced(platform: PlatformProcess, token: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'ledgerline-tracing-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${platform.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}`, ...headers } } }));
  return client;
}

const inTrace = (spans: ReceivedSpan[], traceId: string, name: string): ReceivedSpan[] => spans.filter((span) => span.traceId === traceId && span.name === name);

async function waitForRunEnd(store: EventStore, tenant: string, runId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await store.readStream(tenant, runId)).some((event) => event.type === 'RunCompleted') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await store.readStream(tenant, runId)).at(-1)).toMatchObject({ type: 'RunCompleted' });
}

/** Registers the fixture as a connector with a secret and publishes `charge`, whose first call fails once. */
async function prepareCharge(platform: PlatformProcess, issuer: DevIssuer, tenant: string, fixture: FixtureServer): Promise<string> {
  const adminToken = issuer.mint({ tenantId: tenant, userId: 'admin-tracing', scopes: ['connectors:admin', 'automations:admin'] });
  const admin = await connectTraced(platform, adminToken, {});
  const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000 };
  await callOk(admin, 'connector_register', { name: 'shop', config });
  await callOk(admin, 'connector_secret_set', { name: 'shop', secret: SECRET });
  await callOk(admin, 'automation_publish', { definition: charge });
  await admin.close();
  fixture.script(`/charge/${ORDER}`, [{ status: 503 }, { status: 200 }]);
  return adminToken;
}

/**
 * The saga's spans of a run in the caller's trace: two attempts of the step (a retry, then
 * success), each with a connector CLIENT span whose context the fixture received as traceparent.
 */
async function expectRunTraced(receiver: OtlpReceiver, fixture: FixtureServer, traceId: string, workerService: string): Promise<void> {
  // A drive ends after its steps, and may come in a later export: wait for the whole chain.
  const steps = await receiver.waitFor((spans) => {
    const found = inTrace(spans, traceId, 'run.step');
    const exported = new Set(spans.map((span) => span.spanId));
    const complete = found.length >= 2 && inTrace(spans, traceId, 'connector.call').length >= 2 && found.every((step) => exported.has(step.parentSpanId!));
    return complete ? found : undefined;
  });
  expect(steps.map((step) => [step.attributes['ledgerline.run.attempt'], step.attributes['ledgerline.outcome']]).sort()).toEqual([[1, 'retry'], [2, 'succeeded']]);
  expect(steps.every((step) => step.service === workerService && step.attributes['ledgerline.run.step'] === 'charge' && step.attributes['ledgerline.connector'] === 'shop')).toBe(true);
  const calls = inTrace(receiver.spans, traceId, 'connector.call');
  for (const call of calls) {
    expect(call.kind).toBe(CLIENT);
    expect(steps.map((step) => step.spanId)).toContain(call.parentSpanId);
    expect(call.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': '127.0.0.1' });
  }
  // Every step runs in a drive of the run, and the drives chain back to the append of the tool call.
  const drives = inTrace(receiver.spans, traceId, 'run.drive');
  expect(drives.every((drive) => drive.kind === CONSUMER)).toBe(true);
  for (const step of steps) expect(drives.map((drive) => drive.spanId)).toContain(step.parentSpanId);
  const appends = inTrace(receiver.spans, traceId, 'event.append');
  for (const drive of drives) expect(appends.map((append) => append.spanId)).toContain(drive.parentSpanId);
  const toolSpan = inTrace(receiver.spans, traceId, 'tools/call automation')[0]!;
  expect(appends.some((append) => append.parentSpanId === toolSpan.spanId && drives.some((drive) => drive.parentSpanId === append.spanId))).toBe(true);

  const received = fixture.requests.filter((request) => request.path === `/charge/${ORDER}`);
  expect(received).toHaveLength(2);
  for (const request of received) {
    const [version, trace, parent, flags] = request.headers.traceparent!.split('-');
    expect([version, trace, flags]).toEqual(['00', traceId, '01']);
    expect(calls.map((call) => call.spanId)).toContain(parent);
  }
}

describe('OpenTelemetry traces of the embedded platform', () => {
  let receiver: OtlpReceiver;
  let fixture: FixtureServer;
  let h: PlatformHarness;
  let aliceToken: string;
  let adminToken: string;
  const tenant = 'acme-tracing';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    fixture = await startFixtureServer();
    h = await startPlatformOn('sqlite', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    aliceToken = h.issuer.mint({ tenantId: tenant, userId: 'alice-tracing', scopes: ['memory:read', 'memory:write', 'automation:charge', 'runs:read', 'connectors:read'] });
    adminToken = await prepareCharge(h.platform, h.issuer, tenant, fixture);
  });
  afterAll(async () => {
    await h?.stop();
    await fixture?.close();
    await receiver?.close();
  });

  it("continues the caller's trace on /mcp: server span, tool span, append span, and the event records it", async () => {
    const caller = callerSpan();
    const alice = await connectTraced(h.platform, aliceToken, { traceparent: caller.traceparent, tracestate: 'caller=1' });
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'contact', value: MEMORY_VALUE });
    await alice.close();

    const tool = await receiver.waitFor((spans) => inTrace(spans, caller.traceId, 'tools/call memory_put')[0]);
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'memory_put', 'ledgerline.outcome': 'ok', 'ledgerline.tenant.id': tenant, 'mcp.method.name': 'tools/call' });
    const server = receiver.spans.find((span) => span.spanId === tool.parentSpanId)!;
    expect(server).toMatchObject({ service: 'ledgerline-platform', name: 'POST /mcp', kind: SERVER, parentSpanId: caller.spanId, traceId: caller.traceId });
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/mcp', 'http.response.status_code': 200, 'ledgerline.tenant.id': tenant });
    const append = await receiver.waitFor((spans) => spans.find((span) => span.name === 'event.append' && span.parentSpanId === tool.spanId));
    expect(append.traceId).toBe(caller.traceId);

    const events = await collect(h.store.readAll({ tenantId: tenant }));
    const put = events.filter((event) => String(event.metadata.traceparent ?? '').includes(caller.traceId));
    expect(put.length).toBeGreaterThan(0);
    expect(put.map((event) => event.metadata.traceparent)).toEqual(put.map(() => `00-${caller.traceId}-${append.spanId}-01`));

    // The request's log line names the trace and the server span.
    const line = h.platform.output().split('\n').filter((text) => text.startsWith('{')).map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.trace_id === caller.traceId && entry.tool === 'memory_put');
    expect(line).toMatchObject({ trace_id: caller.traceId, span_id: server.spanId, msg: 'POST /mcp 200' });
  });

  it(`continues the caller's trace on /mcp on ${MODERN_REVISION} too: the tool span under the server span, the append under it`, async () => {
    const caller = callerSpan();
    const alice = await connect(h.platform, aliceToken, { revision: MODERN_REVISION, headers: { traceparent: caller.traceparent } });
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'modern', value: MEMORY_VALUE });
    await alice.close();

    const tool = await receiver.waitFor((spans) => inTrace(spans, caller.traceId, 'tools/call memory_put')[0]);
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'memory_put', 'ledgerline.outcome': 'ok', 'ledgerline.tenant.id': tenant, 'mcp.method.name': 'tools/call' });
    const server = await receiver.waitFor((spans) => spans.find((span) => span.spanId === tool.parentSpanId));
    expect(server).toMatchObject({ name: 'POST /mcp', kind: SERVER, parentSpanId: caller.spanId, traceId: caller.traceId });
    const append = await receiver.waitFor((spans) => spans.find((span) => span.name === 'event.append' && span.parentSpanId === tool.spanId));
    expect(append.traceId).toBe(caller.traceId);
  });

  it("continues the caller's trace on the REST API, the span named by the route template", async () => {
    const caller = callerSpan();
    const response = await fetch(`${h.platform.url}/v1/connectors`, { headers: { authorization: `Bearer ${aliceToken}`, traceparent: caller.traceparent } });
    expect(response.status).toBe(200);
    const server = await receiver.waitFor((spans) => spans.find((span) => span.traceId === caller.traceId && span.kind === SERVER));
    expect(server).toMatchObject({ name: 'GET /v1/connectors', parentSpanId: caller.spanId });
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/connectors', 'http.response.status_code': 200, 'ledgerline.tenant.id': tenant });
  });

  it('answers a call with a malformed traceparent normally, in a new trace', async () => {
    for (const traceparent of ['garbage', `00-${'z'.repeat(32)}-${'1'.repeat(16)}-01`, `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`]) {
      const alice = await connectTraced(h.platform, aliceToken, { traceparent });
      expect(await callOk(alice, 'memory_get', { namespace: 'notes', key: 'contact' })).toMatchObject({ value: MEMORY_VALUE });
      await alice.close();
    }
    const tools = await receiver.waitFor((spans) => {
      const found = spans.filter((span) => span.name === 'tools/call memory_get');
      return found.length >= 3 ? found : undefined;
    });
    for (const tool of tools) {
      const server = receiver.spans.find((span) => span.spanId === tool.parentSpanId)!;
      expect(server).toMatchObject({ name: 'POST /mcp', kind: SERVER, parentSpanId: undefined });
      expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(server.traceId).not.toBe('0'.repeat(32));
    }
    expect(new Set(tools.map((tool) => tool.traceId)).size).toBe(3);
  });

  it("puts the saga's steps and connector calls of a run in the trace of the tool call that started it, and the tenant's endpoint gets the trace context", async () => {
    const caller = callerSpan();
    const alice = await connectTraced(h.platform, aliceToken, { traceparent: caller.traceparent });
    const { runId } = await callOk<{ runId: string }>(alice, 'charge', { order: ORDER });
    await alice.close();
    await waitForRunEnd(h.store, tenant, runId);
    await expectRunTraced(receiver, fixture, caller.traceId, 'ledgerline-platform');
    const drives = inTrace(receiver.spans, caller.traceId, 'run.drive');
    expect(drives.every((drive) => drive.attributes['ledgerline.run.id'] === runId && drive.attributes['ledgerline.tenant.id'] === tenant)).toBe(true);
  });

  it('exports no token, secret, memory value, argument value or user id', async () => {
    await receiver.waitFor((spans) => spans.some((span) => span.name === 'connector.call'));
    const exported = receiver.payloads.join('\n');
    expect(exported.length).toBeGreaterThan(0);
    for (const secret of [aliceToken, adminToken, SECRET, MEMORY_VALUE, 'alice.private', ORDER, 'alice-tracing', 'admin-tracing', 'notes', 'contact']) expect(exported).not.toContain(secret);
  });
});

describe('OpenTelemetry traces at shutdown', () => {
  it('flushes the spans still batched when the platform gets SIGTERM', async () => {
    const receiver = await startOtlpReceiver();
    // An export delay far beyond the test: only the shutdown flush can deliver the spans.
    const h = await startPlatformOn('sqlite', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '600000' });
    try {
      const caller = callerSpan();
      const token = h.issuer.mint({ tenantId: 'acme-tracing-stop', userId: 'stopper', scopes: ['memory:write'] });
      const client = await connectTraced(h.platform, token, { traceparent: caller.traceparent });
      await callOk(client, 'memory_put', { namespace: 'n', key: 'k', value: 1 });
      await client.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.spans).toHaveLength(0);
      await h.platform.stop();
      const names = inTrace(receiver.spans, caller.traceId, 'tools/call memory_put');
      expect(names).toHaveLength(1);
      expect(inTrace(receiver.spans, caller.traceId, 'event.append').length).toBeGreaterThan(0);
    } finally {
      await h.stop();
      await receiver.close();
    }
  });
});

describe('OpenTelemetry traces across processes (API process, worker fed from Kafka)', () => {
  let receiver: OtlpReceiver;
  let fixture: FixtureServer;
  let cluster: Cluster;
  const tenant = 'acme-tracing-scale';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 1, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
    await prepareCharge(cluster.api, cluster.issuer, tenant, fixture);
  });
  afterAll(async () => {
    await cluster?.stop();
    await fixture?.close();
    await receiver?.close();
  });

  it('the worker continues the trace of the API call from the event metadata it reads', async () => {
    const caller = callerSpan();
    const token = cluster.issuer.mint({ tenantId: tenant, userId: 'alice-scale', scopes: ['automation:charge', 'runs:read'] });
    const alice = await connectTraced(cluster.api, token, { traceparent: caller.traceparent });
    const { runId } = await callOk<{ runId: string }>(alice, 'charge', { order: ORDER });
    await alice.close();
    await waitForRunEnd(cluster.store, tenant, runId);
    await expectRunTraced(receiver, fixture, caller.traceId, 'ledgerline-worker');
    expect(inTrace(receiver.spans, caller.traceId, 'tools/call automation')[0]?.service).toBe('ledgerline-platform');
    expect(receiver.payloads.join('\n')).not.toContain(token);
  });
});
