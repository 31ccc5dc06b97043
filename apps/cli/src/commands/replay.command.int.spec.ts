import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_TENANT } from '#core';
import { openEventStore, type EventStore, type NewEvent } from '#event-store';
import { openViewDb, Projector, REBUILDS_TABLE, type ViewDb } from '#projections';
import { createTestDatabase } from '../../../../libs/event-store/src/postgres/postgres-test-database.js';
import { runCli } from '../cli.js';
import type { CliIo } from '../cli-io.js';
import { ALL_PROJECTIONS } from '../projections.js';
import { storeSettingsFromEnv } from '../stores.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process; `stderr` may stand in for a terminal (isTTY) and see what is written to it. */
async function cli(args: string[], env: NodeJS.ProcessEnv, onStderr?: (text: string) => void, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: Object.assign({ write: (text: string) => ((stderr += text), onStderr?.(text), true) }, isTTY ? { isTTY: true, columns: 120 } : {}),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Events of every capability with a view, for two tenants: what the platform's tools would have appended. */
async function seed(store: EventStore, tenant: string, size: number): Promise<void> {
  await store.append(PLATFORM_TENANT, `tenant-${tenant}`, 'any', [{ type: 'TenantCreated', data: { tenantId: tenant, name: `Tenant ${tenant}` }, metadata: { userId: 'admin' } }]);
  const puts: NewEvent[] = Array.from({ length: size }, (_, i) => ({ type: 'MemoryItemPut', data: { key: `k${i % 40}`, value: { n: i } }, metadata: { userId: 'alice', tool: 'memory_put' } }));
  await store.append(tenant, 'memory:user:alice:notes', 'any', puts);
  await store.append(tenant, 'memory:user:alice:notes', 'any', [{ type: 'MemoryItemDeleted', data: { key: 'k3' } }]);
  await store.append(tenant, 'connector-crm', 'any', [
    { type: 'ConnectorRegistered', data: { name: 'crm', description: 'the CRM' } },
    { type: 'ConnectorSecretRotated', data: { name: 'crm', version: 2 } },
  ]);
  await store.append(tenant, 'automation-onboard', 'any', [{ type: 'AutomationPublished', data: { name: 'onboard', version: 1, definition: { steps: [] } } }]);
  for (let r = 0; r < 3; r += 1) {
    const run = `run-${randomUUID()}`;
    await store.append(tenant, run, 'no-stream', [
      { type: 'RunStarted', data: { automation: 'onboard', version: 1, startedBy: 'alice', stepIds: ['call'], deadlineAt: 1e13, secretPins: { crm: 2 } } },
      { type: 'StepStarted', data: { stepId: 'call', leaseUntil: 1e12 } },
      { type: 'StepSucceeded', data: { stepId: 'call', connectorCall: { connector: 'crm', ok: r !== 1, status: r !== 1 ? 200 : 503, errorClass: r !== 1 ? null : 'http_5xx' } } },
      ...(r === 2 ? [] : [{ type: 'RunCompleted', data: {} }]),
    ]);
  }
}

type Views = Record<string, Array<Record<string, unknown>>>;

/** Every table of every view, all tenants, in a stable order. */
async function dumpViews(views: ViewDb): Promise<Views> {
  const dump: Views = {};
  for (const projection of ALL_PROJECTIONS) {
    for (const table of Object.keys(projection.tables)) {
      const rows = await views.all<Record<string, unknown>>(`SELECT * FROM ${table}`);
      dump[table] = rows.map((row) => JSON.stringify(row)).sort().map((row) => JSON.parse(row) as Record<string, unknown>);
    }
  }
  return dump;
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline replay on %s (in-process, beside live projectors)', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-replay-'));
  let env: NodeJS.ProcessEnv;
  let dropDatabase: (() => Promise<void>) | undefined;
  let store: EventStore;
  let views: ViewDb;
  let projectors: Projector[];

  beforeAll(async () => {
    env = { LEDGERLINE_DATA_DIR: dir };
    if (kind === 'postgres') {
      const database = await createTestDatabase();
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
    const { settings } = storeSettingsFromEnv(env);
    store = await openEventStore(settings);
    views = openViewDb(settings);
    await seed(store, 'acme', 1200);
    await seed(store, 'globex', 60);
    // What the platform runs: every view applied live, in this process here.
    projectors = ALL_PROJECTIONS.map((projection) => new Projector(store, views, projection, { idleWaitMs: 20 }));
    for (const projector of projectors) await projector.start();
  });
  afterAll(async () => {
    for (const projector of projectors ?? []) await projector.stop();
    await views?.close();
    await store?.close();
    await dropDatabase?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const caughtUp = () => Promise.all(projectors.map((projector) => projector.caughtUpWith()));

  it('rebuilds every view online to the same rows, printing a JSON result per view', async () => {
    await caughtUp();
    const before = await dumpViews(views);
    expect(before.memory_items!.length).toBeGreaterThan(0);
    expect(before.runs!.length).toBe(6);
    const run = await cli(['replay', '--all', '--json'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const results = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((result) => result.projection)).toEqual(ALL_PROJECTIONS.map((projection) => projection.name));
    for (const result of results) {
      expect(result).toMatchObject({ tenant: null, resumedFrom: 0, events: expect.any(Number), seconds: expect.any(Number), eventsPerSec: expect.any(Number), switchedAt: expect.any(Number) });
    }
    expect(results.find((result) => result.projection === 'audit_entries')!.switchedAt).toBe(await store.headPosition());
    expect(await dumpViews(views)).toEqual(before);

    await store.append('globex', 'memory:user:alice:notes', 'any', [{ type: 'MemoryItemPut', data: { key: 'after', value: 1 } }]);
    await caughtUp();
    expect((await views.all<{ item_key: string }>("SELECT item_key FROM memory_items WHERE tenant_id = 'globex' AND item_key = 'after'"))).toHaveLength(1);
  });

  it("rebuilds one tenant's rows of one view: repairs them, leaves the other tenant's alone", async () => {
    await caughtUp();
    const before = await dumpViews(views);
    await views.run("UPDATE memory_items SET value = 'corrupted' WHERE item_key = 'k1'");
    const run = await cli(['replay', '--projection', 'memory_items', '--tenant', 'acme'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^memory_items: switched in at position \d+ \(\d+ events in [\d.]+ s, \d+ events\/s\)\n$/);
    const after = await dumpViews(views);
    expect(after.memory_items!.filter((row) => row.tenant_id === 'acme')).toEqual(before.memory_items!.filter((row) => row.tenant_id === 'acme'));
    expect(after.memory_items!.filter((row) => row.tenant_id === 'globex' && row.item_key === 'k1').map((row) => row.value)).toEqual(['corrupted']);
    await cli(['replay', '--projection', 'memory_items', '--tenant', 'globex'], env);
    expect(await dumpViews(views)).toEqual(before);
  });

  it('stops cleanly after the current batch on Ctrl-C, tells how to resume, and resumes from its checkpoint', async () => {
    await caughtUp();
    const before = await dumpViews(views);
    let interrupted = false;
    const sigintListeners = process.listenerCount('SIGINT');
    const stopped = await cli(['replay', '--projection', 'audit_entries', '--projection', 'memory_items'], env, () => {
      if (interrupted) return;
      interrupted = true;
      process.emit('SIGINT');
    }, true);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe('');
    expect(stopped.stderr).toContain('stopping after the current batch');
    expect(stopped.stderr).toContain('to resume, run: ledgerline replay --projection audit_entries --projection memory_items [cli.replay.interrupted]');
    const [state] = await views.all<{ position: number | string; active: number | string }>(`SELECT position, active FROM ${REBUILDS_TABLE} WHERE name = 'audit_entries'`);
    expect(Number(state!.active)).toBe(1);
    expect(Number(state!.position)).toBeGreaterThan(0);
    expect(await dumpViews(views)).toEqual(before);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);

    const resumed = await cli(['replay', '--projection', 'audit_entries', '--json'], env, undefined, true);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ projection: 'audit_entries', resumedFrom: Number(state!.position) });
    expect(resumed.stderr).toContain('audit_entries [');
    expect(await dumpViews(views)).toEqual(before);
  });

  it('refuses bad arguments with exit code 2, naming the views, and changes nothing', async () => {
    const rebuilds = () => views.all(`SELECT * FROM ${REBUILDS_TABLE} ORDER BY name`);
    const before = await rebuilds();
    const names = ALL_PROJECTIONS.map((projection) => projection.name).join(', ');
    const cases: Array<[string[], string | RegExp]> = [
      [['replay', '--projection', 'nope'], `unknown projection nope; views: ${names}`],
      [['replay'], `views: ${names}`],
      [['replay', '--all', '--projection', 'runs'], 'not both'],
      [['replay', '--all', '--tenant', 'not a tenant'], /invalid tenant id/],
      [['replay', '--all', '--speed', '9'], /unknown option '--speed'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, env);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
    expect(await rebuilds()).toEqual(before);
  });
});
