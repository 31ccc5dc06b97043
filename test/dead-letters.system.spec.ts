import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { publishGhost, registerShop, startGhostRun } from './support/ghost-runs.js';
import { connect } from './support/mcp-session.js';
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
    await registerShop(admin, fixture);
    const runId = await startGhostRun(store, TENANT);

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

    await publishGhost(admin);
    const redrive = await cli(['dlq', 'redrive', `${TENANT}/${runId}`, '--json'], kafkaEnv);
    expect(redrive).toMatchObject({ code: 0 });
    expect(JSON.parse(redrive.stdout)).toEqual({ redriven: [`${TENANT}/${runId}`] });
    await until(async () => ((await store.readStream(TENANT, runId)).at(-1)?.type === 'RunCompleted' ? true : undefined), 30_000, 'the redriven run to complete');
    expect(fixture.effects().filter((effect) => effect.path === '/ghost')).toHaveLength(1);
    expect(JSON.parse((await cli(['dlq', 'list', '--json'], kafkaEnv)).stdout)).toEqual({ deadLetters: [] });
    await admin.close();
  });
});
