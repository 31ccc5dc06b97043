import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { until } from './support/until.js';

const TENANT = 'haunted';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

/**
 * A run the workers cannot carry forward (its automation version is missing) goes through the
 * retry topics, lands in the dead letters, shows in `cli dlq list`, and runs to the end once the
 * cause is fixed and an operator redrives it.
 */
describe('dead-lettered runs and their redrive, through Kafka and the CLI', () => {
  let cluster: Cluster;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    cluster = await startCluster({ workers: 1, env: { LEDGERLINE_RUN_RETRY_DELAYS_MS: '200,400' } });
  });
  afterAll(async () => {
    await cluster?.stop();
    await fixture?.close();
  });

  it('retries, dead-letters, lists, redrives and completes the run; bad CLI input is refused', async () => {
    const { store } = cluster;
    const kafkaEnv = { KAFKA_BROKERS: cluster.env.KAFKA_BROKERS!, LEDGERLINE_KAFKA_TOPIC: cluster.env.LEDGERLINE_KAFKA_TOPIC! };
    const admin = await connect(cluster.api, cluster.issuer.mint({ tenantId: TENANT, userId: 'root', scopes: ['connectors:admin', 'automations:admin'] }));
    await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host] } });

    // A run of an automation version that is not (yet) in the log: every attempt to carry it fails.
    const runId = `run-${uuidv7()}`;
    const now = Date.now();
    await store.append(TENANT, runId, 'no-stream', [{
      type: 'RunStarted',
      data: { runId, automation: 'ghost', version: 1, input: {}, startedBy: 'root', startedAt: now, deadlineAt: now + 3_600_000, stepIds: ['call'], secretPins: { shop: 0 } },
    }]);

    const listed = await until(async () => {
      const result = await cli(['dlq', 'list', '--json'], kafkaEnv);
      const entries = (JSON.parse(result.stdout || '{"deadLetters":[]}') as { deadLetters: Array<{ tenantId: string; runId: string; failures: number; error: string }> }).deadLetters;
      return entries.find((entry) => entry.runId === runId);
    }, 60_000, 'the run in the dead letters');
    expect(listed).toMatchObject({ tenantId: TENANT, failures: 3 });
    expect(listed.error).toMatch(/ghost v1 is missing/);
    expect((await store.readStream(TENANT, runId)).map((event) => event.type)).toEqual(['RunStarted']);

    for (const [args, env] of [[['dlq', 'redrive', 'not-a-run'], kafkaEnv], [['dlq', 'redrive'], kafkaEnv], [['dlq', 'list'], {}]] as const) {
      const refused = await cli([...args], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/ledgerline: .*\[cli\.dlq\./);
    }

    await callOk(admin, 'automation_publish', { definition: {
      name: 'ghost', title: 'Ghost', description: 'Published late.', inputSchema: { type: 'object' },
      steps: [{ id: 'call', type: 'call', connector: 'shop', request: { method: 'POST', path: '/ghost' } }],
    } });
    const redrive = await cli(['dlq', 'redrive', `${TENANT}/${runId}`, '--json'], kafkaEnv);
    expect(redrive).toMatchObject({ code: 0 });
    expect(JSON.parse(redrive.stdout)).toEqual({ redriven: [`${TENANT}/${runId}`] });
    await until(async () => ((await store.readStream(TENANT, runId)).at(-1)?.type === 'RunCompleted' ? true : undefined), 30_000, 'the redriven run to complete');
    expect(fixture.effects().filter((effect) => effect.path === '/ghost')).toHaveLength(1);
    expect(JSON.parse((await cli(['dlq', 'list', '--json'], kafkaEnv)).stdout)).toEqual({ deadLetters: [] });
    await admin.close();
  });
});
