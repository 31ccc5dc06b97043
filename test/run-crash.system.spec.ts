import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DevIssuer } from '#auth';
import type { JsonValue } from '#core';
import { CRASH_TEST_TIMEOUT_MS, CrashRig, runStreamsOf } from './support/crash-harness.js';
import type { FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { waitForRun } from './support/runs.js';
import { openVaultOf } from './support/vault.js';

const RUNS = 50;
const MIN_KILLS = 6;
const TENANT = 'crashco';
const STEPS = ['reserve', 'charge'] as const;

const twoSteps = {
  name: 'reserve_and_charge',
  title: 'Reserve, then charge',
  description: 'Two effects downstream, each exactly once.',
  inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
  steps: STEPS.map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{input.order}}` }, retry: { maxAttempts: 20, initialDelayMs: 20, maxDelayMs: 200 } })),
};

/** A wait until a time, a call that may fail once (a retry timer), and an approval gate with a 1 s deadline (skipped when approve is false). */
const timers = {
  name: 'timers',
  title: 'Timers',
  description: 'Waits, calls (retrying), then maybe asks for an approval that nobody gives.',
  inputSchema: { type: 'object', properties: { id: { type: 'string' }, until: { type: 'string' }, approve: { type: 'boolean' } }, required: ['id', 'until', 'approve'] },
  steps: [
    { id: 'pause', type: 'wait', until: '{{input.until}}' },
    { id: 'call', type: 'call', connector: 'shop', request: { method: 'POST', path: '/after-wait/{{input.id}}' }, retry: { maxAttempts: 3, initialDelayMs: 1500, maxDelayMs: 1500 } },
    { id: 'check', type: 'condition', when: { path: 'input.approve', op: 'eq', value: true }, otherwise: 'complete' },
    { id: 'gate', type: 'approval', prompt: 'ok?', timeoutSeconds: 1 },
  ],
};

/**
 * kill -9 at random moments while 50 runs are started and carried: every run must end, and the
 * downstream must have accepted exactly one effect per step of every run. The fixture answers
 * slowly enough (and hangs now and then) that kills land between a call and its record.
 */
describe.each(['sqlite', 'postgres'] as const)('runs survive kill -9 on %s', (kind) => {
  let rig: CrashRig;

  beforeAll(async () => {
    rig = await CrashRig.start(kind, 'ledgerline-crash-');
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('ends every run with exactly one accepted effect per step, across random SIGKILLs', async () => {
    const { fixture } = rig;
    const issuer = DevIssuer.openOrCreate(rig.dataDir, { issuer: rig.platform.url, audience: `${rig.platform.url}/mcp` });
    const token = issuer.mint({ tenantId: TENANT, userId: 'ops', clientId: 'crash-test', scopes: ['connectors:admin', 'automations:admin', 'automation:reserve_and_charge', 'runs:read'] });
    const admin = await connect(rig.platform, token);
    await callOk(admin, 'connector_register', { name: 'shop', config: shopConfig(fixture) });
    await callOk(admin, 'automation_publish', { definition: twoSteps });
    await admin.close();
    // Slow answers, some hanging past the timeout: plenty of moments where a call is out and not yet recorded.
    for (let i = 0; i < RUNS; i++) {
      for (const step of STEPS) fixture.script(`/${step}/o-${i}`, i % 7 === 0 ? [{ hangMs: 1500 }] : [{ status: 200, hangMs: 20 + ((i * 37) % 80) }]);
    }

    // Kills land during starts and, after them, while the runs are carried; at least MIN_KILLS of them.
    let startsDone = false;
    const killer = rig.killAtRandom(() => startsDone, MIN_KILLS, 800);
    const started = await rig.startThroughKills(token, 'reserve_and_charge', RUNS, (i) => ({ order: `o-${i}` }));
    startsDone = true;
    await killer;
    expect(started).toBe(RUNS);

    const runs = runStreamsOf(await rig.streamsOnceRunsEnd(TENANT, RUNS, 90_000));
    expect(runs.size).toBe(RUNS);
    expect([...runs.values()].map((events) => events[events.length - 1]!.type)).toEqual(Array(RUNS).fill('RunCompleted'));

    // The run's input is sealed in the log (the starter's personal data): opened with the platform's vault.
    const { vault, close } = await openVaultOf(rig.dataDir, rig.database?.url);
    for (const [runId, events] of runs) {
      const order = ((await vault.open(TENANT, (events[0]!.data as { input: JsonValue }).input, runId)) as { order: string }).order;
      for (const step of STEPS) {
        // Accepted at the downstream exactly once, under the run's key for that step; recorded once in the log.
        const effects = fixture.effects().filter((effect) => effect.path === `/${step}/${order}`);
        expect(effects.map((effect) => effect.idempotencyKey)).toEqual([`${runId}:${step}`]);
        expect(events.filter((event) => event.type === 'StepSucceeded' && (event.data as { stepId: string }).stepId === step)).toHaveLength(1);
      }
    }
    await close();
    expect([...fixture.effectCounts().values()].every((count) => count === 1)).toBe(true);
    // The kills did cut calls short: some attempt was started twice (recorded, killed before its outcome, made again).
    const redone = [...runs.values()].flatMap((events) => {
      const starts = events.filter((event) => event.type === 'StepStarted').map((event) => JSON.stringify([(event.data as { stepId: string }).stepId, (event.data as { attempt: number }).attempt]));
      return starts.filter((start, index) => starts.indexOf(start) !== index);
    });
    expect(redone.length).toBeGreaterThan(0);
  }, CRASH_TEST_TIMEOUT_MS);

  it('fires durable timers that fell due while the platform was down: a wait, a retry, an approval deadline', async () => {
    const { fixture } = rig;
    const issuer = DevIssuer.openOrCreate(rig.dataDir, { issuer: rig.platform.url, audience: `${rig.platform.url}/mcp` });
    const token = issuer.mint({ tenantId: TENANT, userId: 'ops', clientId: 'crash-test', scopes: ['connectors:admin', 'automations:admin', 'automation:timers', 'runs:read'] });
    const admin = await connect(rig.platform, token);
    await callOk(admin, 'connector_register', { name: 'shop', config: shopConfig(fixture) });
    await callOk(admin, 'automation_publish', { definition: timers });
    await admin.close();
    fixture.script('/after-wait/t-1', [{ status: 503 }]);
    const agent = await connect(rig.platform, token);
    const at = (ms: number): string => new Date(Date.now() + ms).toISOString();
    const waiting = await callOk<{ runId: string }>(agent, 'timers', { id: 't-1', until: at(1000), approve: false });
    const parked = await callOk<{ runId: string }>(agent, 'timers', { id: 't-2', until: at(-1000), approve: true });
    await waitForRun(agent, waiting.runId, (run) => run.steps[0]!.status === 'waiting');
    await waitForRun(agent, parked.runId, (run) => run.approval?.status === 'pending');
    await agent.close();
    // Down for longer than the wait (1 s) and the approval's deadline (1 s): nothing in memory survives this.
    await rig.killAndRestart(2500);
    const after = await connect(rig.platform, token);
    const done = await waitForRun(after, waiting.runId);
    expect(done.status).toBe('completed');
    expect(done.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([['pause', 'succeeded', 0], ['call', 'succeeded', 2], ['check', 'succeeded', 0], ['gate', 'skipped', 0]]);
    expect(fixture.effects().filter((effect) => effect.path === '/after-wait/t-1')).toHaveLength(1);
    const expired = await waitForRun(after, parked.runId);
    expect(expired).toMatchObject({ status: 'failed', approval: { status: 'expired' } });
    await after.close();
  });
});

function shopConfig(fixture: FixtureServer): Record<string, unknown> {
  return { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 1000, rateLimit: { perSecond: 1000, burst: 1000 } };
}
