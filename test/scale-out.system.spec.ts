import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DevIssuer } from '#auth';
import { RELAY_CHECKPOINT } from '#bus';
import { PostgresEventStore } from '#event-store';
import { kafkaTestBrokers } from '../libs/bus/src/testing/kafka-test-brokers.js';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatform, WORKER_MAIN, type PlatformProcess } from './support/platform-process.js';
import { freePort } from './support/processes.js';
import { waitForRun } from './support/runs.js';

const TENANT = 'spread';
const RUNS = 20;

const twoCalls = {
  name: 'two_calls', title: 'Two calls', description: 'Two effects downstream.',
  inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  steps: ['first', 'second'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{input.n}}` } })),
};

/**
 * Scale-out on one PostgreSQL: two API processes (LEDGERLINE_ROLE=api, one public URL as behind a
 * load balancer) and two workers. Any API process serves any call; the workers carry the runs and
 * one of them, elected, applies the views; when it dies the other takes over.
 */
describe.each(['PostgreSQL alone', 'Kafka'] as const)('two API processes and two workers on one PostgreSQL, runs reaching workers through %s', (bus) => {
  let database: { url: string; drop: () => Promise<void> };
  let fixture: FixtureServer;
  let sharedDir: string;
  let apis: PlatformProcess[] = [];
  let workers: PlatformProcess[] = [];
  let token: string;
  let workerEnv: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await startFixtureServer();
    sharedDir = mkdtempSync(join(tmpdir(), 'ledgerline-scale-'));
    const publicPort = await freePort();
    const kafka: Record<string, string> = bus === 'Kafka' ? { KAFKA_BROKERS: kafkaTestBrokers().join(','), LEDGERLINE_KAFKA_TOPIC: `ledgerline.events.scale-${randomBytes(4).toString('hex')}`, LEDGERLINE_KAFKA_PARTITIONS: '6' } : {};
    const common = { ...kafka, DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '4', LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: sharedDir, LEDGERLINE_PUBLIC_URL: `http://127.0.0.1:${publicPort}` };
    workerEnv = common;
    workers = await Promise.all([0, 1].map(() => startPlatform(common, WORKER_MAIN)));
    apis = [await startPlatform({ ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(publicPort) })];
    apis.push(await startPlatform({ ...common, LEDGERLINE_ROLE: 'api' }));
    const issuer = DevIssuer.openOrCreate(sharedDir, { issuer: `http://127.0.0.1:${publicPort}`, audience: `http://127.0.0.1:${publicPort}/mcp` });
    token = issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'automation:two_calls', 'runs:read', 'memory:read', 'memory:write', 'policies:admin', 'policies:read'] });
  });
  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((process) => process.stop()));
    await fixture?.close();
    await database?.drop();
    rmSync(sharedDir, { recursive: true, force: true });
  });

  it('serves any call from any API process, with its own writes readable from the other', async () => {
    const [a, b] = await Promise.all(apis.map((api) => connect(api, token)));
    await callOk(a!, 'memory_put', { namespace: 'notes', key: 'k', value: { from: 'a' } });
    expect(await callOk(b!, 'memory_get', { namespace: 'notes', key: 'k' })).toMatchObject({ value: { from: 'a' } });
    await Promise.all([a!.close(), b!.close()]);
  });

  it('applies a policy changed through one API process to the next call on the other, and reports from the workers\' view through either', async () => {
    const [a, b] = await Promise.all(apis.map((api) => connect(api, token)));
    const text = 'forbid(principal, action, resource == Tool::"memory_put") when { context.arguments.key like "held*" };';
    await callOk(a!, 'policy_publish', { name: 'held', text, mode: 'log-only' });
    await callOk(b!, 'memory_put', { namespace: 'notes', key: 'held-1', value: 1 });
    await callOk(a!, 'policy_mode_set', { name: 'held', mode: 'enforce' });
    expect(errorOf(await b!.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'held-2', value: 2 } })).code).toBe('policy.denied');
    for (const client of [a!, b!]) {
      expect((await callOk<{ policies: Array<{ mode: string; deny: number }> }>(client, 'policy_report', { policy: 'held' })).policies.map(({ mode, deny }) => [mode, deny]))
        .toEqual([['enforce', 1], ['log-only', 1]]);
    }
    await callOk(b!, 'policy_remove', { name: 'held' });
    await callOk(a!, 'memory_put', { namespace: 'notes', key: 'held-3', value: 3 });
    await Promise.all([a!.close(), b!.close()]);
  });

  it('carries runs started through either API process to the end in the workers, one effect per step, across a worker killed mid-way', async () => {
    const [a, b] = await Promise.all(apis.map((api) => connect(api, token)));
    await callOk(a!, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 1000 } });
    await callOk(b!, 'automation_publish', { definition: twoCalls });
    for (let n = 0; n < RUNS; n++) fixture.script(`/first/${n}`, [{ status: 200, hangMs: 50 + (n % 5) * 40 }]);
    const runIds: string[] = [];
    for (let n = 0; n < RUNS; n++) {
      runIds.push((await callOk<{ runId: string }>(n % 2 === 0 ? a! : b!, 'two_calls', { n })).runId);
      if (n === RUNS / 2) await workers[0]!.kill(); // whichever it was doing (runs, views): the other worker takes over
    }
    for (const runId of runIds) expect((await waitForRun(n0(runId, a!, b!), runId, undefined, 60_000)).status).toBe('completed');
    for (let n = 0; n < RUNS; n++) {
      for (const step of ['first', 'second']) expect(fixture.effects().filter((effect) => effect.path === `/${step}/${n}`)).toHaveLength(1);
    }
    expect([...fixture.effectCounts().values()].every((count) => count === 1)).toBe(true);
    // The surviving worker carried runs: its /metrics (on its health port) counts their calls.
    const scrape = await (await fetch(`${workers[1]!.url}/metrics`)).text();
    expect(scrape).toMatch(/^ledgerline_saga_step_outcomes_total\{purpose="step",outcome="succeeded"\} [1-9]/m);
    // The views kept being applied after the kill: a run list read through either API process shows every run completed.
    const listed = await callOk<{ runs: Array<{ status: string }> }>(b!, 'run_list', { limit: 100 });
    expect(listed.runs.filter((run) => run.status === 'completed')).toHaveLength(RUNS);
    if (bus === 'Kafka') {
      // The log did go through Kafka: the elected relay's position reached the last run's events.
      const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 1 });
      try {
        const lastStart = (await store.readStream(TENANT, runIds[RUNS - 1]!))[0]!.globalPosition;
        expect(await store.checkpoints.load(RELAY_CHECKPOINT)).toBeGreaterThanOrEqual(lastStart);
      } finally {
        await store.close();
      }
      // The saga group's lag is on the worker's /metrics, and drains to 0 once every run is carried.
      const topic = workerEnv.LEDGERLINE_KAFKA_TOPIC!;
      const lagLine = new RegExp(`^ledgerline_consumer_lag_messages\\{group="${topic.replace(/\./g, '\\.')}\\.sagas",topic="${topic.replace(/\./g, '\\.')}"\\} (\\d+)$`, 'm');
      const deadline = Date.now() + 20_000;
      let lag = Number.NaN;
      do {
        lag = Number(lagLine.exec(await (await fetch(`${workers[1]!.url}/metrics`)).text())?.[1]);
        if (lag === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      } while (Date.now() < deadline);
      expect(lag).toBe(0);
    }
    await Promise.all([a!.close(), b!.close()]);
  });

  it('hands the views to a new worker when the old ones are gone', async () => {
    workers.push(await startPlatform(workerEnv, WORKER_MAIN));
    await workers[1]!.kill(); // both first workers are dead now: only the new one can apply the views
    const [a, b] = await Promise.all(apis.map((api) => connect(api, token)));
    await callOk(a!, 'memory_put', { namespace: 'notes', key: 'after', value: 'takeover' });
    expect(await callOk(b!, 'memory_get', { namespace: 'notes', key: 'after' })).toMatchObject({ value: 'takeover' });
    await Promise.all([a!.close(), b!.close()]);
  });
});

/** Alternates the API process the agent polls through: any process serves any read. */
function n0(runId: string, a: Client, b: Client): Client {
  return runId.charCodeAt(runId.length - 1) % 2 === 0 ? a : b;
}
