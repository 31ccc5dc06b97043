import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DevIssuer } from '#auth';
import { comparisonIn } from '#automation';
import { CRASH_TEST_TIMEOUT_MS, CrashRig, runStreamsOf } from './support/crash-harness.js';
import { callOk, connect } from './support/mcp-session.js';

const RUNS = 30;
const MIN_KILLS = 4;
const TENANT = 'shadowcrash';

const definitionOf = (description: string) => ({
  name: 'reserve_and_charge',
  title: 'Reserve, then charge',
  description,
  inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
  steps: ['reserve', 'charge'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{input.order}}` }, retry: { maxAttempts: 20, initialDelayMs: 20, maxDelayMs: 200 } })),
});

/**
 * kill -9 at random moments while runs with a shadow attached are carried and closed: every run
 * ends, and every one has exactly one comparison (none lost between it and the run's final event,
 * none doubled by the redo), while the downstream saw each live effect once and nothing of the shadow.
 */
describe.each(['sqlite', 'postgres'] as const)('shadow comparisons survive kill -9 on %s', (kind) => {
  let rig: CrashRig;

  beforeAll(async () => {
    rig = await CrashRig.start(kind, 'ledgerline-shadow-crash-');
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('compares every closed run exactly once across random SIGKILLs', async () => {
    const { fixture } = rig;
    const issuer = DevIssuer.openOrCreate(rig.dataDir, { issuer: rig.platform.url, audience: `${rig.platform.url}/mcp` });
    const token = issuer.mint({ tenantId: TENANT, userId: 'ops', clientId: 'crash-test', scopes: ['connectors:admin', 'automations:admin', 'automation:reserve_and_charge', 'runs:read'] });
    const admin = await connect(rig.platform, token);
    await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 1000, rateLimit: { perSecond: 1000, burst: 1000 } } });
    await callOk(admin, 'automation_publish', { definition: definitionOf('Live.') });
    await callOk(admin, 'automation_publish', { definition: definitionOf('Shadow.'), inShadow: true, successCriteria: { minRuns: RUNS } });
    await admin.close();
    for (let i = 0; i < RUNS; i++) for (const step of ['reserve', 'charge']) fixture.script(`/${step}/o-${i}`, [{ status: 200, hangMs: 30 + ((i * 37) % 120) }]);

    let startsDone = false;
    const killer = rig.killAtRandom(() => startsDone, MIN_KILLS, 600);
    await rig.startThroughKills(token, 'reserve_and_charge', RUNS, (i) => ({ order: `o-${i}` }));
    startsDone = true;
    await killer;

    const streams = await rig.streamsOnceRunsEnd(TENANT, RUNS, 90_000);
    const runs = [...runStreamsOf(streams).keys()];
    expect(runs).toHaveLength(RUNS);
    expect(runs.map((runId) => streams.get(runId)!.at(-1)!.type)).toEqual(Array(RUNS).fill('RunCompleted'));
    // One comparison per run, in its final event (it closes with it or not at all), and nowhere else.
    expect([...streams.keys()].filter((streamId) => streamId.startsWith('shadow-'))).toEqual([]);
    for (const runId of runs) {
      const compared = streams.get(runId)!.filter((event) => comparisonIn(event) !== undefined);
      expect(compared.map((event) => event.type)).toEqual(['RunCompleted']);
      expect(comparisonIn(compared[0]!)).toMatchObject({ runId, liveVersion: 1, shadowVersion: 2, requestsIdentical: true, live: { outcome: 'completed' } });
    }
    // The downstream saw the live effects once each and not a request of the shadow's.
    expect([...fixture.effectCounts().values()]).toEqual(Array(2 * RUNS).fill(1));
    expect(new Set(fixture.requests.map((request) => request.idempotencyKey)).size).toBe(2 * RUNS);
    expect(rig.kills).toBeGreaterThanOrEqual(MIN_KILLS);
  }, CRASH_TEST_TIMEOUT_MS);
});
