import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { openViewDb, Projector } from '#projections';
import { ALL_PROJECTIONS } from '../projections.js';
import { storeSettingsFromEnv } from '../stores.js';
import { cliHarness, type CliHarness } from '../testing/cli-harness.js';

const LONG_AGO = new Date('2020-01-01T00:00:00.000Z');
const runId = (n: number) => `run-0195a0c0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const runStarted = (n: number): NewEvent => ({
  type: 'RunStarted',
  data: { runId: runId(n), automation: 'invoice', version: 1, input: {}, startedBy: 'alice', startedAt: 0, deadlineAt: 1e13, stepIds: ['s1'], secretPins: {} },
});
const runCompleted: NewEvent = { type: 'RunCompleted', data: { outputs: {} } };

/** The environment's store, its clock set long ago: events recorded years before the archive run. */
async function storeLongAgo(env: NodeJS.ProcessEnv): Promise<EventStore> {
  const { settings } = storeSettingsFromEnv(env);
  const clock = () => LONG_AGO;
  return settings.kind === 'sqlite'
    ? SqliteEventStore.open({ path: join(settings.dataDir, 'events.db'), clock })
    : PostgresEventStore.connect({ connectionString: settings.connectionString, poolSize: 1, clock });
}

describe.each(['sqlite', 'postgres'] as const)('ledgerline retention --event-days and ledgerline archive on %s', (kind) => {
  let h: CliHarness;
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-archive-'));
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    h = await cliHarness(kind);
    const old = await storeLongAgo(h.env);
    try {
      await old.append('acme', runId(1), 'no-stream', [runStarted(1), runCompleted]);
      await old.append('acme', runId(2), 'no-stream', [runStarted(2)]);
      await old.append('acme', 'connector-crm', 'no-stream', [{ type: 'ConnectorRegistered', data: { name: 'crm', description: 'the CRM' } }]);
      await old.append('globex', runId(3), 'no-stream', [runStarted(3), runCompleted]);
    } finally {
      await old.close();
    }
    // The platform built its views before: the archive run rebuilds the tenant's rows.
    const views = openViewDb(storeSettingsFromEnv(h.env).settings);
    const projectors = ALL_PROJECTIONS.map((projection) => new Projector(h.store, views, projection, { idleWaitMs: 50 }));
    for (const projector of projectors) await projector.start();
    for (const projector of projectors) await projector.caughtUpWith();
    for (const projector of projectors) await projector.stop();
    await views.close();
  });
  afterAll(async () => {
    await h?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to archive a tenant without an event retention, and bad retention input, changing nothing', async () => {
    const head = await h.store.committedPosition();
    expect(await h.cli(['archive', '--tenant', 'acme', '--out', file('none.gz')])).toMatchObject({ code: 1, stderr: expect.stringContaining('[retention.no_policy]') });
    expect(await h.cli(['retention', '--tenant', 'acme', '--event-days', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('[retention.event_days]') });
    expect(await h.cli(['retention', '--tenant', 'acme', '--event-days', 'soon'])).toMatchObject({ code: 2 });
    expect(await h.cli(['retention', '--tenant', 'acme', '--event-days', '30', '--memory-days', '30'])).toMatchObject({ code: 2, stderr: expect.stringContaining('one at a time') });
    expect(await h.cli(['archive', '--tenant', 'acme'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
    expect(await h.store.committedPosition()).toBe(head);
    expect(existsSync(file('none.gz'))).toBe(false);
  });

  it('sets and shows the event retention of one tenant only', async () => {
    expect(JSON.parse((await h.cli(['retention', '--tenant', 'acme', '--event-days', '30', '--json'])).stdout)).toEqual({ tenantId: 'acme', days: 30, changed: true });
    expect(JSON.parse((await h.cli(['retention', '--tenant', 'acme', '--events', '--json'])).stdout)).toEqual({ tenantId: 'acme', days: 30, changed: false });
    expect(JSON.parse((await h.cli(['retention', '--tenant', 'globex', '--events', '--json'])).stdout)).toEqual({ tenantId: 'globex', days: null, changed: false });
    expect((await h.cli(['retention', '--tenant', 'acme', '--events'])).stdout).toMatch(/closed streams archived .* 30 days old/);
  });

  it('a dry run lists the finished run only and changes nothing', async () => {
    const head = await h.store.committedPosition();
    const run = await h.cli(['archive', '--tenant', 'acme', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ streams: [{ streamId: runId(1), events: 2 }], archive: null, tombstoned: 0 });
    expect(await h.store.committedPosition()).toBe(head);
  });

  it('archives the finished run into a file that verifies, leaves live streams and other tenants alone, and an export after it verifies', async () => {
    const run = await h.cli(['archive', '--tenant', 'acme', '--out', file('acme-archive.ndjson.gz'), '--json']);
    expect(run).toMatchObject({ code: 0 });
    const result = JSON.parse(run.stdout) as { archive: { counts: unknown; file: string }; tombstoned: number; rebuilt: string[] };
    expect(result).toMatchObject({ archive: { counts: { streams: 1, events: 2 }, file: file('acme-archive.ndjson.gz') }, tombstoned: 2 });
    expect(result.rebuilt).toEqual(expect.arrayContaining(['runs', 'audit_entries']));
    expect(await h.cli(['verify', file('acme-archive.ndjson.gz')])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^valid: 2 events and 0 view rows of tenant acme/) });

    expect(await h.store.readStream('acme', runId(1))).toEqual([]);
    expect(await h.store.readStream('acme', runId(2))).toHaveLength(1);
    expect(await h.store.readStream('acme', 'connector-crm')).toHaveLength(1);
    expect(await h.store.readStream('globex', runId(3))).toHaveLength(2);

    expect(await h.cli(['export', '--tenant', 'acme', '--out', file('acme-export.ndjson.gz')])).toMatchObject({ code: 0 });
    expect(await h.cli(['verify', file('acme-export.ndjson.gz')])).toMatchObject({ code: 0, stdout: expect.stringMatching(/\(and 2 archived by their hash\)/) });
  });

  it('a second run has nothing left to archive', async () => {
    const run = await h.cli(['archive', '--tenant', 'acme', '--out', file('again.ndjson.gz')]);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to archive') });
    expect(existsSync(file('again.ndjson.gz'))).toBe(false);
  });
});
