import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '#event-store';
import { openViewDb, ViewRebuild, type ViewDb } from '#projections';
import { ALL_PROJECTIONS } from '../apps/cli/src/projections.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { publishGhost, registerShop, startGhostRun } from './support/ghost-runs.js';
import { jsonLogLines } from './support/log-lines.js';
import { connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest, type RestAnswer } from './support/rest.js';
import { until } from './support/until.js';

/** Every operations endpoint, with a body a platform administrator could send. */
const ENDPOINTS: ReadonlyArray<readonly [string, string, unknown?]> = [
  ['GET', '/v1/admin/projections'],
  ['GET', '/v1/admin/instances'],
  ['GET', '/v1/admin/dead-letters'],
  ['POST', '/v1/admin/dead-letters/redrive', { all: true }],
  ['GET', '/v1/admin/kafka/lag'],
];
/** A tenant's administrator on everything a tenant administers: every scope but platform:admin. */
const TENANT_ADMIN_SCOPES = [
  'audit:read', 'automations:admin', 'runs:read', 'runs:cancel', 'runs:admin', 'approvals:decide', 'compliance:export', 'compliance:purge',
  'compliance:admin', 'connectors:admin', 'connectors:read', 'memory:read', 'memory:write', 'memory:admin', 'memory:tenant', 'grants:manage', 'grants:admin', 'clients:admin',
];
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const HEARTBEAT_MS = 500;

interface ProjectionStatus {
  name: string; version: number; storedVersion: number | null; checkpoint: number | null; partitions: number[] | null; lag: number;
  replay: { generation: number; tenantId: string | null; position: number; target: number; progress: number; updatedAt: string | null } | null;
}
interface Instance { instanceId: string; role: string; host: string; pid: number; version: string; status: string; ready: boolean; checks: Record<string, string>; lastSeenAt: string; stoppedAt: string | null; heartbeatMs: number }
interface PartitionLag { partition: number; committedOffset: number | null; lowWatermark: number; highWatermark: number; lag: number }
interface GroupLag { groupId: string; lag: number; topics: Array<{ topic: string; lag: number; partitions: PartitionLag[] }> }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The views' answer once every view holds the whole log: every view of the code, by name, its head the store's. */
async function viewsCaughtUp(get: <T>(path: string) => Promise<T>, store: EventStore, timeoutMs: number): Promise<{ head: number; projections: ProjectionStatus[] }> {
  const answer = await until(async () => {
    const views = await get<{ head: number; projections: ProjectionStatus[] }>('/v1/admin/projections');
    return views.projections.every((view) => view.lag === 0) ? views : undefined;
  }, timeoutMs, 'every view caught up with the head');
  expect(answer.head).toBe(await store.committedPosition());
  expect(answer.projections.map((view) => view.name)).toEqual(ALL_PROJECTIONS.map((projection) => projection.name).sort());
  return answer;
}

async function expectRefusedToTenants(url: string, tenantToken: string): Promise<void> {
  for (const [method, path, body] of ENDPOINTS) {
    const refused = await rest(url, method, path, tenantToken, body);
    expect({ path, status: refused.status, body: refused.body }).toEqual({ path, status: 403, body: { error: 'insufficient_scope', error_description: 'this call needs the scope platform:admin' } });
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="platform:admin"');
    expect((await rest(url, method, path, undefined, body)).status).toBe(401);
  }
}

describe('operations REST on the embedded default (SQLite, one process)', () => {
  let h: PlatformHarness;
  let operator: string;
  let views: ViewDb;
  const get = async <T>(path: string): Promise<T> => {
    const answer = await rest(h.platform.url, 'GET', path, operator);
    expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    return answer.body as T;
  };

  beforeAll(async () => {
    h = await startPlatformOn('sqlite', { LEDGERLINE_INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    operator = h.issuer.mint({ tenantId: 'ops-team', userId: 'operator', scopes: ['platform:admin'] });
    views = openViewDb({ kind: 'sqlite', dataDir: h.platform.dataDir });
    for (let i = 0; i < 30; i++) expect((await rest(h.platform.url, 'POST', '/v1/tenants', operator, { id: `tenant-${i}`, name: `Tenant ${i}` })).status).toBe(201);
  });
  afterAll(async () => {
    await views?.close();
    await h?.stop();
  });

  it("shows every view with its code's and its stored version, its checkpoint and its lag behind the head of the log", async () => {
    const { head, projections } = await viewsCaughtUp(get, h.store, 10_000);
    expect(head).toBeGreaterThanOrEqual(31);
    for (const view of projections) {
      const version = ALL_PROJECTIONS.find((projection) => projection.name === view.name)!.version;
      expect(view).toEqual({ name: view.name, version, storedVersion: version, checkpoint: head, partitions: null, lag: 0, replay: null });
    }
  });

  it('shows an online replay that was interrupted with its progress, and none once it is switched in', async () => {
    const tenants = ALL_PROJECTIONS.find((projection) => projection.name === 'tenants')!;
    const interrupt = new AbortController();
    const started = Date.now();
    const interrupted = await new ViewRebuild(h.store, views, tenants, {
      batchSize: 5,
      signal: interrupt.signal,
      onProgress: (_position, _head, events) => (events > 0 ? interrupt.abort() : undefined),
    }).run();
    expect(interrupted).toMatchObject({ outcome: 'interrupted', generation: 1 });

    const { projections } = await get<{ projections: ProjectionStatus[] }>('/v1/admin/projections');
    const view = projections.find((candidate) => candidate.name === 'tenants')!;
    expect(view.replay).toEqual({
      generation: 1, tenantId: null, position: interrupted.position, target: view.checkpoint,
      progress: Math.floor((interrupted.position / view.checkpoint!) * 10_000) / 10_000, updatedAt: expect.any(String),
    });
    expect(view.replay!.progress).toBeGreaterThan(0);
    expect(view.replay!.progress).toBeLessThan(1);
    expect(Date.parse(view.replay!.updatedAt!)).toBeGreaterThanOrEqual(started - 1000);
    expect(projections.filter((candidate) => candidate.replay !== null).map((candidate) => candidate.name)).toEqual(['tenants']);

    expect(await new ViewRebuild(h.store, views, tenants).run()).toMatchObject({ outcome: 'switched', resumedFrom: interrupted.position });
    const after = await get<{ projections: ProjectionStatus[] }>('/v1/admin/projections');
    expect(after.projections.find((candidate) => candidate.name === 'tenants')).toMatchObject({ replay: null, lag: 0 });
    expect((await get<Array<{ id: string }>>('/v1/tenants')).length).toBe(31);
  });

  it('lists the platform in the instance registry: ready, its checks, beating', async () => {
    const [platform] = (await get<{ instances: Instance[] }>('/v1/admin/instances')).instances;
    expect(platform).toEqual({
      instanceId: expect.any(String), role: 'platform', host: hostname(), pid: expect.any(Number), version: VERSION,
      startedAt: expect.any(String), lastSeenAt: expect.any(String), heartbeatMs: HEARTBEAT_MS,
      status: 'running', ready: true, checks: { drain: 'ok', eventStore: 'ok' }, stoppedAt: null,
    });
    expect(jsonLogLines(h.platform.output()).some((line) => line.pid === platform!.pid)).toBe(true);
    await sleep(HEARTBEAT_MS * 2);
    const later = (await get<{ instances: Instance[] }>('/v1/admin/instances')).instances;
    expect(later).toHaveLength(1);
    expect(Date.parse(later[0]!.lastSeenAt)).toBeGreaterThan(Date.parse(platform!.lastSeenAt));
  });

  it('answers kafka: false without Kafka, and refuses a redrive (409) since there are no dead letters', async () => {
    expect(await get('/v1/admin/dead-letters')).toEqual({ kafka: false, deadLetters: [] });
    expect(await get('/v1/admin/kafka/lag')).toEqual({ kafka: false, groups: [] });
    const runId = `run-${uuidv7()}`;
    for (const body of [{ all: true }, { runs: [{ tenantId: 'acme', runId }] }]) {
      const refused = await rest(h.platform.url, 'POST', '/v1/admin/dead-letters/redrive', operator, body);
      expect({ status: refused.status, code: (refused.body.error as { code?: string }).code }).toEqual({ status: 409, code: 'operations.kafka.not_configured' });
    }
  });

  it('refuses every endpoint to a tenant administrator without platform:admin (403), and to no token (401)', async () => {
    await expectRefusedToTenants(h.platform.url, h.issuer.mint({ tenantId: 'acme', userId: 'admin', scopes: TENANT_ADMIN_SCOPES }));
  });
});

/**
 * The scale-out setup: PostgreSQL, Kafka, one API process and two workers (a run they cannot carry
 * forward is dead-lettered after two quick retries, as in dead-letters.system.spec.ts).
 */
describe('operations REST on the scale-out setup (PostgreSQL, Kafka, an API process, two workers)', () => {
  const TENANT = 'haunted';
  let cluster: Cluster;
  let fixture: FixtureServer;
  let kafka: Admin;
  let operator: string;
  let topic: string;
  const get = async <T>(path: string): Promise<T> => {
    const answer = await rest(cluster.api.url, 'GET', path, operator);
    expect({ path, status: answer.status, body: answer.status === 200 ? {} : answer.body }).toEqual({ path, status: 200, body: {} });
    return answer.body as T;
  };
  const redrive = (body: unknown): Promise<RestAnswer> => rest(cluster.api.url, 'POST', '/v1/admin/dead-letters/redrive', operator, body);
  const redriveTopicEnds = async () => (await kafka.fetchTopicOffsets(`${topic}.redrive`)).map((end) => `${end.partition}:${end.high}`).sort();

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 2, env: { LEDGERLINE_RUN_RETRY_DELAYS_MS: '200,400', LEDGERLINE_INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
    topic = cluster.env.LEDGERLINE_KAFKA_TOPIC!;
    kafka = new Kafka({ clientId: 'operations-test', brokers: cluster.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    operator = cluster.issuer.mint({ tenantId: 'ops-team', userId: 'operator-7', scopes: ['platform:admin'] });
  }, 120_000);
  afterAll(async () => {
    await kafka?.disconnect();
    await cluster?.stop();
    await fixture?.close();
  });

  it('lists a dead-lettered run; refuses bad, unknown and partly unknown redrives changing nothing; redrives it, logged with the operator, and it completes', async () => {
    const admin = await connect(cluster.api, cluster.issuer.mint({ tenantId: TENANT, userId: 'root', scopes: ['connectors:admin', 'automations:admin'] }));
    await registerShop(admin, fixture);
    const runId = await startGhostRun(cluster.store, TENANT);
    const listed = await until(async () => {
      const { deadLetters } = await get<{ kafka: boolean; deadLetters: Array<{ tenantId: string; runId: string; failures: number; error: string; at: string }> }>('/v1/admin/dead-letters');
      return deadLetters.find((entry) => entry.runId === runId);
    }, 60_000, 'the run in the dead letters');
    expect(listed).toEqual({ tenantId: TENANT, runId, failures: 3, error: expect.stringMatching(/ghost v1 is missing/), at: expect.any(String) });
    const deadLetters = await get('/v1/admin/dead-letters');
    expect(deadLetters).toEqual({ kafka: true, deadLetters: [listed] });

    const ends = await redriveTopicEnds();
    const unknownRun = `run-${uuidv7()}`;
    const refusals: Array<[unknown, number, string]> = [
      [{}, 400, 'operations.dead_letters.redrive_what'],
      [{ all: true, runs: [{ tenantId: TENANT, runId }] }, 400, 'operations.dead_letters.redrive_what'],
      [{ runs: [] }, 400, 'request.invalid'],
      [{ runs: [{ tenantId: TENANT, runId: 'not-a-run' }] }, 400, 'request.invalid'],
      [{ runs: [{ tenantId: 'bad tenant', runId }] }, 400, 'request.invalid'],
      [{ runs: [{ tenantId: TENANT, runId, extra: 1 }] }, 400, 'request.invalid'],
      [{ runs: [`${TENANT}/${runId}`] }, 400, 'request.invalid'],
      [{ all: 'yes' }, 400, 'request.invalid'],
      [{ all: false, runs: null }, 400, 'request.invalid'],
      [{ all: null }, 400, 'request.invalid'],
      ['{"all": tru', 400, 'request.invalid'],
      [{ runs: [{ tenantId: TENANT, runId: unknownRun }] }, 404, 'operations.dead_letters.not_found'],
      [{ runs: [{ tenantId: TENANT, runId }, { tenantId: 'elsewhere', runId }] }, 404, 'operations.dead_letters.not_found'],
    ];
    for (const [body, status, code] of refusals) {
      const refused = await redrive(body);
      expect({ body, status: refused.status, code: (refused.body.error as { code?: string } | undefined)?.code }).toEqual({ body, status, code });
    }
    expect((await redrive({ runs: [{ tenantId: TENANT, runId }, { tenantId: 'elsewhere', runId }] })).body).toMatchObject({ error: { details: { runs: [{ tenantId: 'elsewhere', runId }] } } });
    expect(await redriveTopicEnds()).toEqual(ends);
    expect(await get('/v1/admin/dead-letters')).toEqual(deadLetters);
    expect((await cluster.store.readStream(TENANT, runId)).map((event) => event.type)).toEqual(['RunStarted']);

    await publishGhost(admin);
    const redriven = await redrive({ runs: [{ tenantId: TENANT, runId }, { tenantId: TENANT, runId }] });
    expect({ status: redriven.status, body: redriven.body }).toEqual({ status: 200, body: { redriven: [{ tenantId: TENANT, runId }] } });
    await until(async () => ((await cluster.store.readStream(TENANT, runId)).at(-1)?.type === 'RunCompleted' ? true : undefined), 30_000, 'the redriven run to complete');
    expect(fixture.effects().filter((effect) => effect.path === '/ghost')).toHaveLength(1);
    expect(await get('/v1/admin/dead-letters')).toEqual({ kafka: true, deadLetters: [] });
    expect(await redrive({ all: true })).toMatchObject({ status: 200, body: { redriven: [] } });
    const logged = jsonLogLines(cluster.api.output()).find((line) => (line as { redrive?: unknown }).redrive !== undefined) as { redrive?: Record<string, unknown> } | undefined;
    expect(logged?.redrive).toEqual({ operator: { tenantId: 'ops-team', userId: 'operator-7', clientId: expect.any(String) }, correlationId: expect.any(String), runs: [{ tenantId: TENANT, runId }] });
    await admin.close();
  });

  it("gives the workers' consumer groups' lag partition by partition, as Kafka has it", async () => {
    const viewsTopic = `${topic}.by-tenant`;
    const expected = [
      { groupId: `${topic}.sagas`, topics: [topic] },
      { groupId: `${viewsTopic}.projections`, topics: [viewsTopic] },
      { groupId: `${topic}.retries`, topics: [`${topic}.retry.1`, `${topic}.retry.2`, `${topic}.redrive`] },
    ];
    // Kafka's own numbers, read beside the endpoint's until the two agree (the relay marks the views topic every second).
    const fromKafka = async (): Promise<GroupLag[]> => Promise.all(expected.map(async ({ groupId, topics }) => {
      const perTopic = await Promise.all(topics.map(async (name) => {
        const [ends, [committed]] = await Promise.all([kafka.fetchTopicOffsets(name), kafka.fetchOffsets({ groupId, topics: [name] })]);
        const partitions = ends.map(({ partition, high, low }) => {
          const offset = Number(committed!.partitions.find((candidate) => candidate.partition === partition)!.offset);
          const committedOffset = offset < 0 ? null : offset;
          return { partition, committedOffset, lowWatermark: Number(low), highWatermark: Number(high), lag: Number(high) - (committedOffset ?? Number(low)) };
        }).sort((a, b) => a.partition - b.partition);
        return { topic: name, lag: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
      }));
      return { groupId, lag: perTopic.reduce((sum, entry) => sum + entry.lag, 0), topics: perTopic };
    }));
    const agreed = await until(async () => {
      const answer = await get<{ kafka: boolean; groups: GroupLag[] }>('/v1/admin/kafka/lag');
      const kafkaSays = await fromKafka();
      return JSON.stringify(answer.groups) === JSON.stringify(kafkaSays) ? answer : undefined;
    }, 30_000, 'the endpoint and Kafka to agree');
    expect(agreed.kafka).toBe(true);
    expect(agreed.groups.map((group) => ({ groupId: group.groupId, topics: group.topics.map((entry) => entry.topic) }))).toEqual(expected);
    const [sagas, projections] = agreed.groups;
    expect(sagas!.topics[0]!.partitions).toHaveLength(8);
    expect(projections!.topics[0]!.partitions.every((partition) => partition.highWatermark > 0 && partition.committedOffset !== null)).toBe(true);
    expect(sagas!.lag).toBe(0);
  });

  it('shows the views fed by Kafka partition by partition, caught up with the head', async () => {
    const { projections } = await viewsCaughtUp(get, cluster.store, 30_000);
    for (const view of projections) {
      expect(view.partitions).toHaveLength(8);
      expect(view).toMatchObject({ storedVersion: view.version, checkpoint: Math.min(...view.partitions!), lag: 0, replay: null });
    }
  });

  it('refuses every endpoint to a tenant administrator without platform:admin (403), redriving nothing', async () => {
    const ends = await redriveTopicEnds();
    await expectRefusedToTenants(cluster.api.url, cluster.issuer.mint({ tenantId: TENANT, userId: 'root', scopes: TENANT_ADMIN_SCOPES }));
    expect(await redriveTopicEnds()).toEqual(ends);
  });

  it('lists the API process and the workers; a worker stopped gracefully says stopped, a killed one goes stale', async () => {
    const instances = async () => (await get<{ instances: Instance[] }>('/v1/admin/instances')).instances;
    const running = await instances();
    expect(running.map((entry) => [entry.role, entry.status, entry.ready, entry.checks])).toEqual([
      ['api', 'running', true, { drain: 'ok', eventStore: 'ok' }],
      ['worker', 'running', true, { drain: 'ok', eventStore: 'ok' }],
      ['worker', 'running', true, { drain: 'ok', eventStore: 'ok' }],
    ]);
    expect(new Set(running.map((entry) => entry.pid)).size).toBe(3);
    const workerPid = async (worker: Cluster['workers'][number]) => jsonLogLines(worker.output()).find((line) => typeof line.pid === 'number')!.pid as number;
    const [gracefulPid, killedPid] = [await workerPid(cluster.workers[0]!), await workerPid(cluster.workers[1]!)];
    expect(running.filter((entry) => entry.role === 'worker').map((entry) => entry.pid).sort()).toEqual([gracefulPid, killedPid].sort());

    await cluster.workers[0]!.stop();
    await cluster.workers[1]!.kill();
    const stoppedAt = Date.now();
    const after = await until(async () => {
      const entries = await instances();
      return entries.some((entry) => entry.status === 'stale') ? entries : undefined;
    }, 10_000, 'the killed worker to go stale');
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(HEARTBEAT_MS);
    const byPid = new Map(after.map((entry) => [entry.pid, entry]));
    expect(byPid.get(gracefulPid)).toMatchObject({ status: 'stopped', ready: false, stoppedAt: expect.any(String) });
    expect(byPid.get(killedPid)).toMatchObject({ status: 'stale', stoppedAt: null });
    expect(after.find((entry) => entry.role === 'api')).toMatchObject({ status: 'running', ready: true });
  });
});
