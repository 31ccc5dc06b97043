import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DevIssuer } from '#auth';
import { PostgresEventStore, SqliteEventStore, type EventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { freePort } from './support/processes.js';

const RUNS = 30;
const MIN_KILLS = 4;
const TENANT = 'shadowcrash';
const FINAL = ['RunCompleted', 'RunFailed', 'RunCancelled', 'RunTimedOut'];

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
  let fixture: FixtureServer;
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let env: Record<string, string>;
  let platform: PlatformProcess;
  let store: EventStore | undefined;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-shadow-crash-'));
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    env = { LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PORT: String(await freePort()), ...(database && { DATABASE_URL: database.url, LEDGERLINE_PG_POOL_SIZE: '4' }) };
    platform = await startPlatform(env);
  });
  afterAll(async () => {
    await platform?.stop();
    await store?.close();
    await database?.drop();
    await fixture?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('compares every closed run exactly once across random SIGKILLs', async () => {
    const issuer = DevIssuer.openOrCreate(dataDir, { issuer: platform.url, audience: `${platform.url}/mcp` });
    const token = issuer.mint({ tenantId: TENANT, userId: 'ops', clientId: 'crash-test', scopes: ['connectors:admin', 'automations:admin', 'automation:reserve_and_charge', 'runs:read'] });
    const admin = await connect(platform, token);
    await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], timeoutMs: 1000, rateLimit: { perSecond: 1000, burst: 1000 } } });
    await callOk(admin, 'automation_publish', { definition: definitionOf('Live.') });
    await callOk(admin, 'automation_publish', { definition: definitionOf('Shadow.'), inShadow: true, successCriteria: { minRuns: RUNS } });
    await admin.close();
    for (let i = 0; i < RUNS; i++) for (const step of ['reserve', 'charge']) fixture.script(`/${step}/o-${i}`, [{ status: 200, hangMs: 30 + ((i * 37) % 120) }]);

    let kills = 0;
    let startsDone = false;
    const killer = (async () => {
      while (!startsDone || kills < MIN_KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(Math.random() * 600)));
        await platform.kill();
        kills++;
        platform = await startPlatform(env);
      }
    })();
    for (let i = 0; i < RUNS; i++) {
      for (;;) {
        try {
          const client = await connect(platform, token);
          const result = (await client.callTool({ name: 'reserve_and_charge', arguments: { order: `o-${i}` }, _meta: { 'io.ledgerline/idempotency-key': `start-${i}` } })) as CallToolResult;
          await client.close().catch(() => undefined);
          if (!result.isError) break;
        } catch {
          // the platform is down: try again once it is back
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    startsDone = true;
    await killer;

    store = database ? await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 }) : SqliteEventStore.open({ path: join(dataDir, 'events.db') });
    const streams = await waitForAllRunsToEnd(store, 90_000);
    const runs = [...streams.keys()].filter((streamId) => streamId.startsWith('run-'));
    expect(runs).toHaveLength(RUNS);
    expect(runs.map((runId) => streams.get(runId)!.at(-1)!.type)).toEqual(Array(RUNS).fill('RunCompleted'));
    // One comparison per run, on its own stream, and no shadow stream for anything else.
    const shadows = [...streams.keys()].filter((streamId) => streamId.startsWith('shadow-'));
    expect(shadows.sort()).toEqual(runs.map((runId) => `shadow-${runId}`).sort());
    for (const streamId of shadows) {
      expect(streams.get(streamId)!.map((event) => event.type)).toEqual(['ShadowRunCompared']);
      expect(streams.get(streamId)![0]!.data).toMatchObject({ liveVersion: 1, shadowVersion: 2, requestsIdentical: true, live: { outcome: 'completed' } });
    }
    // The downstream saw the live effects once each and not a request of the shadow's.
    expect([...fixture.effectCounts().values()]).toEqual(Array(2 * RUNS).fill(1));
    expect(new Set(fixture.requests.map((request) => request.idempotencyKey)).size).toBe(2 * RUNS);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
  });
});

async function waitForAllRunsToEnd(store: EventStore, timeoutMs: number): Promise<Map<string, RecordedEvent[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of await collect(store.readAll({ tenantId: TENANT }))) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
    const runs = [...streams.entries()].filter(([streamId]) => streamId.startsWith('run-'));
    const open = runs.filter(([, events]) => !FINAL.includes(events.at(-1)!.type));
    if ((runs.length === RUNS && open.length === 0) || Date.now() > deadline) return streams;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
