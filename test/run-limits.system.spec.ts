import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { waitForRun } from './support/runs.js';

const ADMIN = ['connectors:admin', 'automations:admin'];
const AGENT = ['automation:one_call', 'automation:slow_call', 'automation:parked', 'runs:read'];

const oneCall = (name: string, connector: string, path: string): Record<string, unknown> => ({
  name, title: name, description: `calls ${path}`,
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: [{ id: 'call', type: 'call', connector, request: { method: 'POST', path: `${path}/{{input.n}}` } }],
});

const parked = {
  name: 'parked', title: 'Parked until its deadline', description: 'An approval nobody decides, in a run with a 1 s deadline.', timeoutSeconds: 1,
  inputSchema: { type: 'object' },
  steps: [{ id: 'wait_for_human', type: 'approval', prompt: 'anyone?' }],
};

/** Sets up a tenant: two connectors (one throttled to 5 calls/s) and the automations the tests start. */
async function setUpTenant(h: PlatformHarness, fixture: FixtureServer, tenantId: string): Promise<Client> {
  const admin = await connect(h.platform, h.issuer.mint({ tenantId, userId: 'root', scopes: ADMIN }));
  const config = (perSecond: number, burst: number): Record<string, unknown> => ({ baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond, burst } });
  await callOk(admin, 'connector_register', { name: 'fast', config: config(1000, 1000) });
  await callOk(admin, 'connector_register', { name: 'throttled', config: config(5, 1) });
  await callOk(admin, 'automation_publish', { definition: oneCall('one_call', 'throttled', `/throttled/${tenantId}`) });
  await callOk(admin, 'automation_publish', { definition: oneCall('slow_call', 'fast', `/slow/${tenantId}`) });
  await callOk(admin, 'automation_publish', { definition: parked });
  await admin.close();
  return connect(h.platform, h.issuer.mint({ tenantId, userId: 'agent', scopes: AGENT }));
}

describe.each(['sqlite', 'postgres'] as const)('rate limits, fairness and deadlines of runs on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    // Four run slots, at most two per tenant: small enough that a noisy tenant would starve others without the cap.
    h = await startPlatformOn(kind, { LEDGERLINE_RUN_CONCURRENCY: '4', LEDGERLINE_RUN_CONCURRENCY_PER_TENANT: '2' });
  });
  afterAll(async () => {
    await h?.stop();
    await fixture?.close();
  });

  it('holds calls to a throttled connector back to its rate: the work waits, none is dropped', async () => {
    const agent = await setUpTenant(h, fixture, `throttle-${kind}`);
    const runIds = await Promise.all([0, 1, 2, 3, 4, 5].map(async (n) => (await callOk<{ runId: string }>(agent, 'one_call', { n })).runId));
    for (const runId of runIds) expect((await waitForRun(agent, runId)).status).toBe('completed');
    const times = fixture.requests.filter((r) => r.path.startsWith(`/throttled/throttle-${kind}/`)).map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(6);
    // 5 per second with a burst of 1: six calls take their tokens over at least a second. They are
    // timed where they arrive, after their delivery: a first call delivered late on a loaded machine
    // shortens the span (897 ms in a clean-clone CI), so the margin is 200 ms. Unthrottled, six calls
    // arrive within a few tens of milliseconds.
    expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(800);
    await agent.close();
  });

  it('does not let a noisy tenant starve a quiet one', async () => {
    for (let n = 0; n < 40; n++) fixture.script(`/slow/noisy-${kind}/${n}`, [{ status: 200, hangMs: 300 }]);
    for (let n = 0; n < 4; n++) fixture.script(`/slow/quiet-${kind}/${n}`, [{ status: 200, hangMs: 300 }]);
    const noisy = await setUpTenant(h, fixture, `noisy-${kind}`);
    const quiet = await setUpTenant(h, fixture, `quiet-${kind}`);
    const noisyRuns = [];
    for (let n = 0; n < 40; n++) noisyRuns.push((await callOk<{ runId: string }>(noisy, 'slow_call', { n })).runId);
    const quietRuns = await Promise.all([0, 1, 2, 3].map(async (n) => (await callOk<{ runId: string }>(quiet, 'slow_call', { n })).runId));
    for (const runId of quietRuns) expect((await waitForRun(quiet, runId)).status).toBe('completed');
    // The quiet tenant is done while most of the noisy tenant's 40 runs (2 at a time, 300 ms each) still wait their turn.
    const { runs } = await callOk<{ runs: Array<{ status: string }> }>(noisy, 'run_list', { limit: 100 });
    expect(runs.filter((run) => run.status !== 'completed').length).toBeGreaterThan(20);
    for (const runId of noisyRuns) expect((await waitForRun(noisy, runId, undefined, 60_000)).status).toBe('completed');
    expect(fixture.concurrentPeak()).toBeLessThanOrEqual(4);
    await Promise.all([noisy.close(), quiet.close()]);
  });

  it('times a run out at its deadline, even while it waits for a person', async () => {
    const agent = await setUpTenant(h, fixture, `deadline-${kind}`);
    const { runId } = await callOk<{ runId: string }>(agent, 'parked', {});
    const run = await waitForRun(agent, runId, undefined, 10_000);
    expect(run.status).toBe('timed_out');
    const events = (await collect(h.store.readAll({ tenantId: `deadline-${kind}` }))).filter((e) => e.streamId === runId);
    expect(events.map((e) => e.type)).toEqual(['RunStarted', 'ApprovalRequested', 'RunTimedOut']);
    await agent.close();
  });
});

describe.each(['sqlite', 'postgres'] as const)('the front door rate limit on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '1', LEDGERLINE_TOOL_RATE_BURST: '3' });
  });
  afterAll(async () => {
    await h?.stop();
    await fixture?.close();
  });

  it('refuses calls over a tenant\'s rate on a tool with a retry-after, appending nothing, and leaves other tenants alone', async () => {
    const noisy = await setUpTenant(h, fixture, `burst-${kind}`);
    const quiet = await setUpTenant(h, fixture, `calm-${kind}`);
    const results = [];
    for (let n = 0; n < 5; n++) results.push(await noisy.callTool({ name: 'slow_call', arguments: { n } }));
    expect(results.filter((r) => !r.isError)).toHaveLength(3);
    const refused = errorOf(results[3]);
    expect(refused).toMatchObject({ code: 'tool.rate_limited', kind: 'rate_limited' });
    expect(refused.details!.retryAfterMs).toBeGreaterThan(0);
    const started = (await collect(h.store.readAll({ tenantId: `burst-${kind}` }))).filter((e) => e.type === 'RunStarted');
    expect(started).toHaveLength(3);
    // Another tool of the same tenant, and the same tool of another tenant, have their own budgets.
    expect((await noisy.callTool({ name: 'run_list', arguments: {} })).isError).toBeFalsy();
    expect((await quiet.callTool({ name: 'slow_call', arguments: { n: 0 } })).isError).toBeFalsy();
    await new Promise((resolve) => setTimeout(resolve, Number(refused.details!.retryAfterMs)));
    expect((await noisy.callTool({ name: 'slow_call', arguments: { n: 9 } })).isError).toBeFalsy();
    await Promise.all([noisy.close(), quiet.close()]);
  });
});
