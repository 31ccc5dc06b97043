import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { DevIssuer } from '#auth';
import { PostgresEventStore } from '#event-store';
import { kafkaTestBrokers } from '../libs/bus/src/testing/kafka-test-brokers.js';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatform, WORKER_MAIN, type PlatformProcess } from './support/platform-process.js';
import { freePort } from './support/processes.js';

const TENANT = 'haunted';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A run the workers cannot carry forward (its automation version is missing) goes through the
 * retry topics, lands in the dead letters, shows in `cli dlq list`, and runs to the end once the
 * cause is fixed and an operator redrives it.
 */
describe('dead-lettered runs and their redrive, through Kafka and the CLI', () => {
  let database: { url: string; drop: () => Promise<void> };
  let fixture: FixtureServer;
  let dataDir: string;
  let processes: PlatformProcess[] = [];
  let store: PostgresEventStore;
  let kafkaEnv: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await startFixtureServer();
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-dlq-'));
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    kafkaEnv = { KAFKA_BROKERS: kafkaTestBrokers().join(','), LEDGERLINE_KAFKA_TOPIC: `ledgerline.dlq-test-${randomBytes(4).toString('hex')}` };
  });
  afterAll(async () => {
    for (const process of processes) await process.stop();
    await store?.close();
    await fixture?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries, dead-letters, lists, redrives and completes the run; bad CLI input is refused', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const common = { ...kafkaEnv, DATABASE_URL: database.url, LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: url, LEDGERLINE_RUN_RETRY_DELAYS_MS: '200,400' };
    processes.push(await startPlatform(common, WORKER_MAIN));
    processes.push(await startPlatform({ ...common, LEDGERLINE_ROLE: 'api', LEDGERLINE_PORT: String(port) }));
    const admin = await connect(processes[1]!, DevIssuer.openOrCreate(dataDir, { issuer: url, audience: `${url}/mcp` }).mint({ tenantId: TENANT, userId: 'root', scopes: ['connectors:admin', 'automations:admin'] }));
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
