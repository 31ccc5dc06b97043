import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DevIssuer } from '#auth';
import { eventKey } from '#bus';
import { PostgresEventStore, type RecordedEvent } from '#event-store';
import { loadFrontier, loadPartitionPositions, partitionOf, PostgresViewDb, Projector, type Projection } from '#projections';
import { startKafka, type LocalKafka } from '../deploy/kafka/local-kafka.mjs';
import { ALL_PROJECTIONS } from '../apps/cli/src/projections.js';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatform, WORKER_MAIN, type PlatformProcess } from './support/platform-process.js';
import { freePort } from './support/processes.js';

const TENANTS = 20;
const RUNS_PER_TENANT = 50;
const RUNS = TENANTS * RUNS_PER_TENANT;
const STEPS = ['first', 'second'] as const;
/** Every view the processes build: each must equal a rebuild from the log. */
const PROJECTIONS: readonly Projection[] = ALL_PROJECTIONS;

const automation = {
  name: 'two_calls', title: 'Two calls', description: 'Two effects downstream.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: STEPS.map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{run.id}}` }, retry: { maxAttempts: 20, initialDelayMs: 50, maxDelayMs: 1000, deadlineSeconds: 600 } })),
};

/**
 * The scale-out claim under failure: 1,000 runs from 20 tenants through two API processes, two
 * workers fed by Kafka; one worker is killed with SIGKILL and the broker is restarted mid-way.
 * Every run completes, every step took effect exactly once at the downstream, in the run's order,
 * and every view equals a rebuild from the log.
 */
describe('1,000 runs from 20 tenants across processes, through a worker kill and a broker restart', () => {
  let kafka: LocalKafka;
  let database: { url: string; drop: () => Promise<void> };
  let rebuildDatabase: { url: string; drop: () => Promise<void> };
  let fixture: FixtureServer;
  let sharedDir: string;
  let processes: PlatformProcess[] = [];
  let store: PostgresEventStore;

  beforeAll(async () => {
    [kafka, database, rebuildDatabase, fixture] = await Promise.all([startKafka(), createTestDatabase(), createTestDatabase(), startFixtureServer()]);
    sharedDir = mkdtempSync(join(tmpdir(), 'ledgerline-kafka-scale-'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await store?.close();
    await fixture?.close();
    await kafka?.stop();
    await database?.drop();
    await rebuildDatabase?.drop();
    rmSync(sharedDir, { recursive: true, force: true });
  }, 60_000);

  it('completes every run with one effect per step, in order, and views equal to a rebuild', async () => {
    const publicPort = await freePort();
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    const common = {
      DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '6', LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: sharedDir,
      LEDGERLINE_PUBLIC_URL: publicUrl, KAFKA_BROKERS: kafka.brokers, LEDGERLINE_KAFKA_PARTITIONS: '8', LEDGERLINE_TOOL_RATE_PER_SEC: '1000', LEDGERLINE_TOOL_RATE_BURST: '1000',
    };
    const workers = await Promise.all([0, 1].map(() => startPlatform(common, WORKER_MAIN)));
    const apis = [await startPlatform({ ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(publicPort) })];
    apis.push(await startPlatform({ ...common, LEDGERLINE_ROLE: 'api' }));
    processes = [...workers, ...apis];
    const issuer = DevIssuer.openOrCreate(sharedDir, { issuer: publicUrl, audience: `${publicUrl}/mcp` });
    const tenants = Array.from({ length: TENANTS }, (_, t) => `tenant-${t}`);
    const clients = new Map<string, Client[]>();
    for (const tenant of tenants) {
      const token = issuer.mint({ tenantId: tenant, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'automation:two_calls', 'runs:read'], ttlSeconds: 3600 });
      const perApi = await Promise.all(apis.map((api) => connect(api, token)));
      clients.set(tenant, perApi);
      await callOk(perApi[0]!, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 2000, rateLimit: { perSecond: 1000, burst: 1000 } } });
      await callOk(perApi[1]!, 'automation_publish', { definition: automation });
    }

    // 16 starters; a worker is killed after 300 starts, the broker restarted after 600.
    let started = 0;
    const runTenants = new Map<string, string>();
    const jobs = tenants.flatMap((tenant) => Array.from({ length: RUNS_PER_TENANT }, (_, n) => ({ tenant, n })));
    const disruptions = (async () => {
      while (started < 300) await new Promise((resolve) => setTimeout(resolve, 20));
      await workers[0]!.kill();
      while (started < 600) await new Promise((resolve) => setTimeout(resolve, 20));
      await kafka.restart();
    })();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        const client = clients.get(job.tenant)![job.n % 2]!;
        const { runId } = await callOk<{ runId: string }>(client, 'two_calls', { n: job.n });
        runTenants.set(runId, job.tenant);
        started++;
      }
    }));
    await disruptions;
    expect(runTenants.size).toBe(RUNS);

    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    const runs = await waitForRuns(store, tenants, 240_000);
    const unfinished = [...runs.values()].filter((events) => events[events.length - 1]!.type !== 'RunCompleted');
    if (unfinished.length > 0) reportStuckRuns(unfinished, { workers, apis });
    expect(unfinished.map((events) => `${events[0]!.streamId}: ${events.map((e) => e.type).join(',')}`)).toEqual([]);
    expect(runs.size).toBe(RUNS);

    for (const runId of runTenants.keys()) {
      const received = fixture.requests.filter((request) => request.path.endsWith(`/${runId}`));
      // One accepted effect per step, under the step's key; the first step before the second.
      for (const step of STEPS) expect(fixture.effects().filter((effect) => effect.path === `/${step}/${runId}`).map((effect) => effect.idempotencyKey)).toEqual([`${runId}:${step}`]);
      const firstSecond = received.findIndex((request) => request.path.startsWith('/second/'));
      const lastFirst = received.map((request) => request.path.startsWith('/first/')).lastIndexOf(true);
      expect(lastFirst).toBeLessThan(firstSecond);
    }
    expect([...fixture.effectCounts().values()].every((count) => count === 1)).toBe(true);

    await expectViewsEqualRebuild(store, database.url, rebuildDatabase.url);
    for (const perApi of clients.values()) await Promise.all(perApi.map((client) => client.close()));
  }, 600_000);
});

/**
 * What a failure needs to be understood after the fact (the processes are gone by then): the
 * partitions the stuck runs hash to, and each process's log lines that are not request logs.
 */
function reportStuckRuns(unfinished: RecordedEvent[][], processes: { workers: PlatformProcess[]; apis: PlatformProcess[] }): void {
  const byPartition = new Map<number, number>();
  for (const events of unfinished) {
    const partition = partitionOf(eventKey(events[0]!), 8);
    byPartition.set(partition, (byPartition.get(partition) ?? 0) + 1);
  }
  const lines = [`${unfinished.length} runs did not complete; by partition of the events topic: ${JSON.stringify(Object.fromEntries([...byPartition].sort((a, b) => a[0] - b[0])))}`];
  for (const [role, list] of Object.entries(processes)) {
    list.forEach((process, index) => {
      const kept = process.output().split('\n').filter((line) => line.trim() !== '' && !line.includes('"req":'));
      lines.push(`--- ${role}[${index}] (${kept.length} lines, the last 150):`, ...kept.slice(-150));
    });
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function waitForRuns(store: PostgresEventStore, tenants: string[], timeoutMs: number): Promise<Map<string, RecordedEvent[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = new Map<string, RecordedEvent[]>();
    for (const tenant of tenants) {
      for (const event of await collect(store.readAll({ tenantId: tenant }))) {
        if (event.streamId.startsWith('run-')) runs.set(`${tenant}/${event.streamId}`, [...(runs.get(`${tenant}/${event.streamId}`) ?? []), event]);
      }
    }
    const done = [...runs.values()].every((events) => ['RunCompleted', 'RunFailed', 'RunCancelled', 'RunTimedOut'].includes(events[events.length - 1]!.type));
    if ((runs.size === RUNS && done) || Date.now() > deadline) return runs;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every view the workers kept, row for row, against the same projections replayed from the log into an empty database. */
async function expectViewsEqualRebuild(store: PostgresEventStore, liveUrl: string, rebuildUrl: string): Promise<void> {
  const live = PostgresViewDb.connect(liveUrl, 2);
  const rebuilt = PostgresViewDb.connect(rebuildUrl, 2);
  try {
    const head = await store.committedPosition();
    const deadline = Date.now() + 60_000;
    for (;;) {
      // Fed by the projections' consumer group: every partition of the views topic past the head (the relay's marks move quiet ones).
      const reached = await Promise.all(PROJECTIONS.map(async (projection) => (await loadFrontier(live, projection.name))?.low ?? 0));
      if (reached.every((position) => position >= head)) break;
      if (Date.now() > deadline) throw new Error(`views did not reach ${head}: ${JSON.stringify(reached)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const projection of PROJECTIONS) {
      // The views came from the bus, one position per partition of the views topic, not from one process following the log.
      expect((await loadPartitionPositions(live, projection.name)).length).toBe(8);
      const projector = new Projector(store, rebuilt, projection);
      await projector.start();
      await projector.stop();
      for (const table of Object.keys(projection.tables)) {
        const dump = async (db: PostgresViewDb): Promise<string[]> => (await db.all<Record<string, unknown>>(`SELECT * FROM ${table}`)).map((row) => JSON.stringify(row)).sort();
        const [liveRows, rebuiltRows] = [await dump(live), await dump(rebuilt)];
        expect({ table, rows: liveRows.length }).toEqual({ table, rows: rebuiltRows.length });
        expect(liveRows).toEqual(rebuiltRows);
      }
    }
  } finally {
    await live.close();
    await rebuilt.close();
  }
}
