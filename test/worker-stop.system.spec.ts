import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { eventKey } from '#bus';
import { partitionOf } from '#projections';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { errorLines, jsonLogLines, logMessages } from './support/log-lines.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { waitForRun } from './support/runs.js';
import { until } from './support/until.js';

const TENANT = 'stopco';
const PARTITIONS = 8;
/** Long enough that the SIGTERM lands while the call is out, short next to the drain timeout (20 s). */
const SLOW_CALL_MS = 4000;

const slowThenFast = {
  name: 'slow_then_fast', title: 'Slow, then fast', description: 'A slow effect downstream, then a quick one.',
  inputSchema: { type: 'object', properties: { ref: { type: 'string' } }, required: ['ref'] },
  steps: ['slow', 'fast'].map((id) => ({ id, type: 'call', connector: 'shop', request: { method: 'POST', path: `/${id}/{{input.ref}}` } })),
};

/** The partitions a worker carries runs of, from the last assignment it logged (undefined before its first). */
function carried(worker: PlatformProcess): number[] | undefined {
  const assigned = logMessages(worker.output()).filter((msg) => msg.startsWith('carrying the runs of partitions '));
  const last = assigned[assigned.length - 1];
  return last === undefined ? undefined : [...last.matchAll(/\d+/g)].map((match) => Number(match[0]));
}

/**
 * A worker stops the way the API does: SIGTERM makes it drain (no new runs taken, the step under
 * way finishes and is recorded within the drain timeout), it logs `draining` and `stopped` and
 * exits 0; the run goes on elsewhere with no step done twice. Starting and stopping cleanly logs
 * nothing at error level, and every line (kafkajs's included) is the platform's JSON.
 */
describe('a worker stops cleanly on SIGTERM', () => {
  let cluster: Cluster;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 2, env: { LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '20000' } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await fixture?.close();
  }, 60_000);

  it('drains the run it drives, exits 0, and the run completes with one effect per step', async () => {
    const [first, second] = cluster.workers as [PlatformProcess, PlatformProcess];
    // Both in the saga group, splitting the partitions between them: the run has exactly one driver.
    await until(() => {
      const [a, b] = [carried(first), carried(second)];
      return a && b && a.length > 0 && b.length > 0 && a.length + b.length === PARTITIONS ? true : undefined;
    }, 60_000, 'both workers to carry partitions');

    const admin = await connect(cluster.api, cluster.issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin', 'automation:slow_then_fast', 'runs:read'] }));
    await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 15_000 } });
    await callOk(admin, 'automation_publish', { definition: slowThenFast });
    fixture.respond('/slow/r1', { hangMs: SLOW_CALL_MS });
    const { runId } = await callOk<{ runId: string }>(admin, 'slow_then_fast', { ref: 'r1' });

    await until(() => fixture.requests.find((request) => request.path === '/slow/r1'), 30_000, 'the slow call');
    const partition = partitionOf(eventKey({ tenantId: TENANT, streamId: runId }), PARTITIONS);
    const driver = carried(first)!.includes(partition) ? first : second;
    const other = driver === first ? second : first;
    driver.signal('SIGTERM');
    // Draining, like the API: not ready, still alive.
    const readiness = await until(async () => {
      const response = await fetch(`${driver.url}/readyz`);
      return response.status === 503 ? ((await response.json()) as { status: string }) : undefined;
    }, 5_000, 'readiness to turn false');
    expect(readiness.status).toBe('draining');
    expect((await fetch(`${driver.url}/healthz`)).status).toBe(200);

    expect(await driver.exited).toEqual({ code: 0, signal: null });
    const exitedAt = Date.now();
    // The draining worker waited for the call under way and recorded its outcome before it exited (a durable checkpoint).
    const slowDone = (await cluster.store.readStream(TENANT, runId)).find((event) => event.type === 'StepSucceeded' && (event.data as { stepId?: string }).stepId === 'slow');
    expect(slowDone && Date.parse(slowDone.recordedAt)).toBeLessThan(exitedAt);
    const run = await waitForRun(admin, runId, undefined, 60_000);
    expect(run.status).toBe('completed');
    expect(run.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([['slow', 'succeeded', 1], ['fast', 'succeeded', 1]]);
    // Each step called once, not only accepted once: the drain neither cut the slow call nor left it to be made again.
    expect(fixture.requests.map((request) => request.path).sort()).toEqual(['/fast/r1', '/slow/r1']);
    expect([...fixture.effectCounts().values()]).toEqual([1, 1]);

    const stopping = logMessages(driver.output());
    expect(stopping.some((msg) => /^SIGTERM: draining \(/.test(msg))).toBe(true);
    expect(stopping[stopping.length - 1]).toBe('stopped');
    expect(stopping.indexOf('stopped')).toBeGreaterThan(stopping.findIndex((msg) => msg.startsWith('SIGTERM: draining')));
    for (const process of [first, second]) expect(logMessages(process.output()).some((msg) => msg.startsWith('worker ready'))).toBe(true);

    // Nothing at error level from a clean start and stop, in any process; every line is one JSON object (kafkajs's too).
    for (const process of [cluster.api, driver, other]) {
      expect(errorLines(process.output())).toEqual([]);
      expect(jsonLogLines(process.output()).every((line) => typeof line.level === 'number')).toBe(true);
      expect(process.output().split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'))).toEqual([]);
    }
    await admin.close();
  }, 180_000);
});

describe('the platform on PostgreSQL, alone', () => {
  it('starts and stops on an empty database logging nothing at error level', async () => {
    const database = await createTestDatabase();
    try {
      // The run scheduler starts with the app, before the runs' view has tables: it waits for them instead of failing.
      const platform = await startPlatform({ DATABASE_URL: database.url });
      platform.signal('SIGTERM');
      const exited = await platform.exited;
      // Its whole output when it did not exit 0: a rare failure under load must say why (it once did not).
      if (exited.code !== 0) throw new Error(`the platform exited ${JSON.stringify(exited)}; its output:\n${platform.output()}`);
      expect(exited).toEqual({ code: 0, signal: null });
      expect(logMessages(platform.output())).toContain('stopped');
      expect(errorLines(platform.output())).toEqual([]);
    } finally {
      await database.drop();
    }
  }, 60_000);
});

describe('a worker holding a retry that is not due yet', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ workers: 1, env: { LEDGERLINE_RUN_RETRY_DELAYS_MS: '30000,30000', LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '20000' } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('puts it back in its topic on SIGTERM instead of waiting it out, and exits 0', async () => {
    const [worker] = cluster.workers as [PlatformProcess];
    // A run the worker cannot carry (its automation is not in the log): its first failure goes to the first retry topic, due in 30 s.
    const runId = `run-${uuidv7()}`;
    const now = Date.now();
    await cluster.store.append(TENANT, runId, 'no-stream', [{
      type: 'RunStarted',
      data: { runId, automation: 'ghost', version: 1, input: {}, startedBy: 'ops', startedAt: now, deadlineAt: now + 3_600_000, stepIds: ['call'], secretPins: {} },
    }]);
    await until(() => logMessages(worker.output()).find((msg) => msg.includes(runId) && msg.includes('(1 in a row), handed to the retry topics')), 30_000, 'the first failure');
    const retryTopic = `${cluster.env.LEDGERLINE_KAFKA_TOPIC}.retry.1`;
    // The retry consumer has taken the message and waits for it to come due.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const signalledAt = Date.now();
    worker.signal('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(logMessages(worker.output())).toContain('stopped');
    // The retry is in its topic twice: as handed over, and as put back for the next member of the group.
    const admin = new Kafka({ clientId: 'worker-stop-test', brokers: cluster.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(retryTopic);
      expect(offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0)).toBe(2);
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
