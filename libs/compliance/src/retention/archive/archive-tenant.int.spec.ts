import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEntriesProjection } from '#audit';
import { FINAL_RUN_EVENTS, runsProjection } from '#automation';
import { IllegalStateError, ValidationError, type CommandMetadata } from '#core';
import { findChainBreak, PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent, type RecordedEvent } from '#event-store';
import { memoryItemsProjection } from '#memory';
import { PostgresViewDb, Projector, SqliteViewDb, type Projection, type ViewDb } from '#projections';
import { collect } from '../../../../event-store/src/testing/event-store.contract.js';
import { createTestDatabase } from '../../../../event-store/src/postgres/postgres-test-database.js';
import { ComplianceExporter } from '../../export/compliance-exporter.js';
import { CLOSED_EXPORT_STREAMS } from '../../export/export.events.js';
import { gzipLines, linesOf, memorySink, verifyBytes } from '../../export/testing/export-bytes.js';
import { ExportSigningKey } from '../../signing/export-signing-key.js';
import { TrustedKeys } from '../../signing/trusted-keys.js';
import { EVENT_RETENTION_STREAM, InvalidEventRetentionError } from '../event-retention.js';
import { readEventRetention, setEventRetention } from '../set-event-retention.js';
import { ARCHIVES_STREAM } from './archive.events.js';
import { archiveTenant, type ArchiveTenantRequest } from './archive-tenant.js';

const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const PROJECTIONS: Projection[] = [runsProjection, auditEntriesProjection, memoryItemsProjection];
const RULES = [{ prefix: 'run-', finalTypes: FINAL_RUN_EVENTS }, CLOSED_EXPORT_STREAMS];
const runId = (n: number) => `run-0195a0c0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const started = (n: number): NewEvent => ({
  type: 'RunStarted',
  data: { runId: runId(n), automation: 'invoice', version: 1, input: {}, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 1000 * DAY, stepIds: ['s1'], secretPins: {} },
  metadata: { userId: 'alice' },
});
const completed: NewEvent = { type: 'RunCompleted', data: { outputs: { total: 42 } }, metadata: { userId: 'alice' } };
const failed: NewEvent = { type: 'RunFailed', data: { reason: 'step_failed', stepId: 's1', message: 'boom' }, metadata: { userId: 'alice' } };
const operator = (tenantId: string): CommandMetadata => ({ tenantId, userId: 'ops', clientId: 'test', scopes: [], correlationId: 'c-1', tool: 'test archive' });

interface Harness {
  store: EventStore;
  views: ViewDb;
  /** A second, empty view database: views built from scratch over the same log. */
  freshViews(): Promise<ViewDb>;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres', clock: () => Date): Promise<Harness> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-archive-'));
    let fresh = 0;
    return {
      store: SqliteEventStore.open({ path: join(dir, 'events.db'), clock }),
      views: SqliteViewDb.open(join(dir, 'views.db')),
      freshViews: async () => SqliteViewDb.open(join(dir, `fresh-${fresh++}.db`)),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = await createTestDatabase();
  const extra: Array<{ drop(): Promise<void> }> = [];
  return {
    store: await PostgresEventStore.connect({ connectionString: database.url, clock }),
    views: PostgresViewDb.connect(database.url),
    freshViews: async () => {
      const other = await createTestDatabase();
      extra.push(other);
      return PostgresViewDb.connect(other.url);
    },
    cleanup: async () => {
      for (const other of extra) await other.drop();
      await database.drop();
    },
  };
}

type Row = Record<string, unknown>;
/** The line with the first hex digit of its hash changed. */
const flipHash = (line: string): string => line.replace(/"hash":"([0-9a-f])/, (_match, digit: string) => `"hash":"${digit === 'a' ? 'b' : 'a'}`);
/** The store, but the deletion step fails: a crash between the recorded archive and the tombstones. */
const crashingBeforeTombstones = (store: EventStore, crash: Error): EventStore => new Proxy(store, {
  get: (target, key) => {
    if (key === 'archiveStreams') return () => Promise.reject(crash);
    const value = Reflect.get(target, key) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});
async function tenantRows(views: ViewDb, tenantId: string): Promise<Record<string, string[]>> {
  const sql = views.forTenant(tenantId);
  const dump: Record<string, string[]> = {};
  for (const projection of PROJECTIONS) {
    for (const table of Object.keys(projection.tables)) {
      dump[table] = (await sql.all<Row>(`SELECT * FROM ${table} WHERE tenant_id = ?`, [tenantId])).map((row) => JSON.stringify(row)).sort();
    }
  }
  return dump;
}

describe.each(['sqlite', 'postgres'] as const)('event retention: archiving closed streams on %s', (kind) => {
  let now = T0;
  let h: Harness;
  let projectors: Projector[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-archive-files-'));
  const signer = ExportSigningKey.load({ dataDir: dir });
  const trusted = TrustedKeys.of([signer.publicKey]);
  let files = 0;
  const request = (tenantId: string, change: Partial<ArchiveTenantRequest> = {}): ArchiveTenantRequest => ({
    store: h.store, views: h.views, projections: PROJECTIONS, rules: RULES, signer, metadata: operator(tenantId),
    file: join(dir, `archive-${files++}.ndjson.gz`), now: new Date(now), ...change,
  });
  const append = async (day: number, tenantId: string, streamId: string, events: NewEvent[]) => {
    now = T0 + day * DAY;
    await h.store.append(tenantId, streamId, 'any', events);
  };
  const caughtUp = async () => {
    for (const projector of projectors) await projector.caughtUpWith();
  };
  const chain = (tenantId: string) => collect(h.store.readAll({ tenantId, withTombstones: true }));
  let before: RecordedEvent[];

  beforeAll(async () => {
    h = await harness(kind, () => new Date(now));
    await append(0, 'acme', runId(1), [started(1)]);
    await append(0, 'acme', 'connector-crm', [{ type: 'ConnectorRegistered', data: { name: 'crm' } }]);
    await append(0, 'acme', runId(1), [completed]);
    await append(1, 'acme', runId(2), [started(2)]);
    await append(1, 'acme', 'memory:user:alice:notes', [{ type: 'MemoryItemPut', data: { key: 'a', value: 'one' } }]);
    await append(1, 'acme', runId(2), [failed]);
    await append(1, 'acme', runId(3), [started(3)]); // never finishes: live
    await append(1, 'globex', runId(4), [started(4), completed]); // another tenant's old finished run
    await append(28, 'acme', runId(5), [started(5), completed]); // finished, but recently
    projectors = PROJECTIONS.map((projection) => new Projector(h.store, h.views, projection, { idleWaitMs: 50 }));
    for (const projector of projectors) await projector.start();
    now = T0 + 30 * DAY;
    await setEventRetention(h.store, operator('acme'), 10);
    await setEventRetention(h.store, operator('globex'), 10);
    await caughtUp();
    before = await chain('acme');
  });
  afterAll(async () => {
    for (const projector of projectors) await projector.stop();
    await h?.views.close();
    await h?.store.close();
    await h?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the retention policy', () => {
    it('is set and read per tenant, and setting the same again appends nothing', async () => {
      expect(await readEventRetention(h.store, 'acme')).toBe(10);
      const head = await h.store.committedPosition('acme');
      expect(await setEventRetention(h.store, operator('acme'), 10)).toEqual({ tenantId: 'acme', days: 10, changed: false });
      expect(await h.store.committedPosition('acme')).toBe(head);
    });

    it('refuses bad input with a typed error and appends nothing', async () => {
      const head = await h.store.committedPosition();
      for (const days of [0, -1, 1.5, 36_501, '10', undefined, {}, Number.NaN]) {
        await expect(setEventRetention(h.store, operator('acme'), days)).rejects.toBeInstanceOf(InvalidEventRetentionError);
      }
      await expect(setEventRetention(h.store, operator('acme'), 0)).rejects.toMatchObject({ code: 'retention.event_days' });
      expect(await h.store.committedPosition()).toBe(head);
      expect(await readEventRetention(h.store, 'acme')).toBe(10);
    });

    it('a tenant setting its retention never changes another tenant\'s', async () => {
      await setEventRetention(h.store, operator('initech'), 3);
      expect(await readEventRetention(h.store, 'initech')).toBe(3);
      expect(await readEventRetention(h.store, 'acme')).toBe(10);
      expect((await h.store.readStream('acme', EVENT_RETENTION_STREAM)).map((e) => e.data)).toEqual([{ days: 10 }]);
    });

    it('an archive run without a policy is refused and writes nothing', async () => {
      const head = await h.store.committedPosition();
      const attempt = request('nopolicy');
      await expect(archiveTenant(attempt)).rejects.toBeInstanceOf(IllegalStateError);
      expect(existsSync(attempt.file)).toBe(false);
      expect(await h.store.committedPosition()).toBe(head);
    });
  });

  describe('a dry run', () => {
    it('a dry run names the closed streams past the retention and changes nothing', async () => {
      const head = await h.store.committedPosition();
      const dry = await archiveTenant(request('acme', { dryRun: true }));
      expect(dry.streams.map((s) => s.streamId)).toEqual([runId(1), runId(2)]);
      expect(dry).toMatchObject({ archive: null, tombstoned: 0, rebuilt: [], retentionDays: 10, cutoff: new Date(T0 + 20 * DAY).toISOString() });
      expect(await h.store.committedPosition()).toBe(head);
    });
  });

  describe('an archive run', () => {
    let result: Awaited<ReturnType<typeof archiveTenant>>;
    let file: string;

    beforeAll(async () => {
      const attempt = request('acme');
      file = attempt.file;
      result = await archiveTenant(attempt);
    });

    it('archives exactly the finished runs older than the retention, never a live aggregate or a recent run', async () => {
      expect(result.streams.map((s) => s.streamId)).toEqual([runId(1), runId(2)]);
      expect(result.tombstoned).toBe(4);
      expect(result.rebuilt).toEqual(PROJECTIONS.map((p) => p.name));
      expect(await h.store.readStream('acme', runId(1))).toEqual([]);
      expect(await h.store.readStream('acme', runId(2))).toEqual([]);
      for (const live of [runId(3), runId(5), 'connector-crm', 'memory:user:alice:notes']) expect((await h.store.readStream('acme', live)).length).toBeGreaterThan(0);
      const read = await collect(h.store.readAll({ tenantId: 'acme' }));
      expect(read.some((e) => e.streamId === runId(1) || e.streamId === runId(2))).toBe(false);
    });

    it('never touches another tenant', async () => {
      expect((await h.store.readStream('globex', runId(4))).map((e) => e.type)).toEqual(['RunStarted', 'RunCompleted']);
    });

    it('keeps the chain verifiable across the tombstones, positions and hashes unchanged', async () => {
      const after = await chain('acme');
      expect(after.slice(0, before.length).map((e) => [e.tenantPosition, e.globalPosition, e.hash])).toEqual(before.map((e) => [e.tenantPosition, e.globalPosition, e.hash]));
      expect(after.filter((e) => e.archived).map((e) => e.streamId)).toEqual([runId(1), runId(1), runId(2), runId(2)]);
      expect(findChainBreak(after)).toBeUndefined();
    });

    it('writes an archive file that verifies offline and holds exactly the archived events, its digest recorded', async () => {
      const bytes = readFileSync(file);
      const verified = await verifyBytes(bytes, trusted);
      expect(verified).toMatchObject({ ok: true, events: 4 });
      const archivedBefore = before.filter((e) => e.streamId === runId(1) || e.streamId === runId(2));
      const lines = linesOf(bytes).map((line) => JSON.parse(line) as { kind: string; event?: RecordedEvent; streamId?: string });
      expect(lines.filter((l) => l.kind === 'event').map((l) => l.event)).toEqual(archivedBefore);
      expect(lines.filter((l) => l.kind === 'elided').map((l) => l.streamId)).toEqual(['connector-crm', 'memory:user:alice:notes']);
      expect(verified.manifest!.counts).toMatchObject({ events: 4, elided: 2 });
      const [recorded] = await h.store.readStream('acme', ARCHIVES_STREAM);
      expect(recorded).toMatchObject({
        type: 'StreamsArchived',
        metadata: { userId: 'ops', tool: 'test archive' },
        data: {
          streams: [runId(1), runId(2)], archiveSha256: createHash('sha256').update(bytes).digest('hex'), keyId: signer.keyId,
          counts: { streams: 2, events: 4 }, retentionDays: 10,
          positions: { firstTenantPosition: 1, lastTenantPosition: 6, firstGlobalPosition: archivedBefore[0]!.globalPosition, lastGlobalPosition: archivedBefore[3]!.globalPosition },
        },
      });
      expect((await h.store.readStream('acme', ARCHIVES_STREAM)).map((e) => e.type)).toEqual(['StreamsArchived', 'ArchiveCompleted']);
    });

    it('detects a tampered tombstone hash and a tampered archived event in the archive file', async () => {
      const lines = linesOf(readFileSync(file));
      const elided = lines.findIndex((line) => line.startsWith('{"kind":"elided"'));
      const changed = lines.map((line, i) => (i === elided ? flipHash(line) : line));
      expect(await verifyBytes(gzipLines(changed), trusted)).toMatchObject({ ok: false, firstBrokenLine: elided + 2, problem: expect.stringMatching(/does not match its hash/) });
      const event = lines.findIndex((line) => line.includes('"total":42'));
      const edited = lines.map((line, i) => (i === event ? line.replace('"total":42', '"total":43') : line));
      expect(await verifyBytes(gzipLines(edited), trusted)).toMatchObject({ ok: false, firstBrokenLine: event + 1 });
    });

    it('leaves views equal to views built from scratch over the smaller log, and the run list without the archived runs', async () => {
      await caughtUp();
      const fresh = await h.freshViews();
      const rebuilt = PROJECTIONS.map((projection) => new Projector(h.store, fresh, projection, { idleWaitMs: 50 }));
      try {
        for (const projector of rebuilt) await projector.start();
        for (const projector of rebuilt) await projector.caughtUpWith();
        expect(await tenantRows(h.views, 'acme')).toEqual(await tenantRows(fresh, 'acme'));
      } finally {
        for (const projector of rebuilt) await projector.stop();
        await fresh.close();
      }
      const runs = await h.views.forTenant('acme').all<{ run_id: string }>('SELECT run_id FROM runs WHERE tenant_id = ? ORDER BY run_id', ['acme']);
      expect(runs.map((r) => r.run_id)).toEqual([runId(3), runId(5)]);
      expect((await h.views.forTenant('globex').all<{ run_id: string }>('SELECT run_id FROM runs WHERE tenant_id = ?', ['globex'])).map((r) => r.run_id)).toEqual([runId(4)]);
    });

    it('lands StreamsArchived in the tenant\'s audit trail', async () => {
      const audit = await h.views.forTenant('acme').all<{ event_type: string; user_id: string }>('SELECT event_type, user_id FROM audit_entries WHERE tenant_id = ? AND stream_id = ?', ['acme', ARCHIVES_STREAM]);
      expect(audit).toEqual(expect.arrayContaining([{ event_type: 'StreamsArchived', user_id: 'ops' }]));
    });

    it('a second run finds nothing more to archive and appends nothing', async () => {
      const head = await h.store.committedPosition();
      const again = request('acme');
      expect(await archiveTenant(again)).toMatchObject({ streams: [], archive: null, tombstoned: 0, finished: [] });
      expect(existsSync(again.file)).toBe(false);
      expect(await h.store.committedPosition()).toBe(head);
    });

    it('exports the tenant afterwards with archived stub lines that verify, counted apart; a tampered stub hash is detected', async () => {
      const sink = memorySink();
      await new ComplianceExporter(() => new Date(now)).exportTenant({
        store: h.store, views: h.views, tenantId: 'acme', range: {}, withViews: false, projections: PROJECTIONS, signer, requestedBy: { userId: 'auditor' }, out: sink.out,
      });
      const bytes = sink.bytes();
      const verified = await verifyBytes(bytes, trusted);
      expect(verified).toMatchObject({ ok: true, manifest: { counts: { archived: 4 } } });
      const lines = linesOf(bytes);
      const stubs = lines.filter((line) => line.startsWith('{"kind":"archived"')).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(stubs.map((s) => [s.streamId, s.tenantPosition])).toEqual([[runId(1), 1], [runId(1), 3], [runId(2), 4], [runId(2), 6]]);
      const eventStreams = lines.filter((line) => line.startsWith('{"kind":"event"')).map((line) => (JSON.parse(line) as { event: RecordedEvent }).event.streamId);
      expect(eventStreams).not.toContain(runId(1));
      expect(eventStreams).not.toContain(runId(2));
      const stub = lines.findIndex((line) => line.startsWith('{"kind":"archived"'));
      const tampered = lines.map((line, i) => (i === stub ? flipHash(line) : line));
      expect(await verifyBytes(gzipLines(tampered), trusted)).toMatchObject({ ok: false, firstBrokenLine: stub + 2, problem: expect.stringMatching(/does not match its hash/) });
    });

    it('tenant B\'s archive run archives B\'s closed streams only', async () => {
      const acme = await chain('acme');
      const globex = await archiveTenant(request('globex'));
      expect(globex.streams.map((s) => s.streamId)).toEqual([runId(4)]);
      // PostgreSQL reads up to the safe head, which may trail the last commit for a moment: compare what was read before.
      expect((await chain('acme')).slice(0, acme.length)).toEqual(acme);
      expect(await h.store.readStream('globex', runId(4))).toEqual([]);
    });
  });

  describe('crash safety', () => {
    it('finishes an archive recorded but not tombstoned, and refuses a second file where one exists', async () => {
      await append(30, 'crashco', runId(7), [started(7), completed]);
      now = T0 + 60 * DAY;
      await setEventRetention(h.store, operator('crashco'), 1);
      const first = request('crashco');
      const crash = new Error('crash after StreamsArchived');
      await expect(archiveTenant({ ...first, store: crashingBeforeTombstones(h.store, crash) })).rejects.toBe(crash);
      expect(existsSync(first.file)).toBe(true);
      expect((await h.store.readStream('crashco', runId(7))).length).toBe(2); // nothing lost
      expect((await h.store.readStream('crashco', ARCHIVES_STREAM)).map((e) => e.type)).toEqual(['StreamsArchived']);

      const [recorded] = await h.store.readStream('crashco', ARCHIVES_STREAM);
      await expect(archiveTenant({ ...request('crashco'), file: first.file })).resolves.toMatchObject({ tombstoned: 2, streams: [], finished: [(recorded!.data as { archiveId: string }).archiveId] });
      expect(await h.store.readStream('crashco', runId(7))).toEqual([]);
      expect((await h.store.readStream('crashco', ARCHIVES_STREAM)).map((e) => e.type)).toEqual(['StreamsArchived', 'ArchiveCompleted']);
      expect(findChainBreak(await chain('crashco'))).toBeUndefined();
    });

    it('never overwrites an existing file: a new archive into it is refused before anything is recorded', async () => {
      await append(60, 'crashco', runId(8), [started(8), completed]);
      now = T0 + 90 * DAY;
      const existing = join(dir, 'kept.ndjson.gz');
      const attempt = request('crashco', { file: existing });
      writeFileSync(existing, 'evidence');
      const head = await h.store.committedPosition();
      await expect(archiveTenant(attempt)).rejects.toBeInstanceOf(ValidationError);
      expect(readFileSync(existing, 'utf8')).toBe('evidence');
      expect(await h.store.committedPosition()).toBe(head);
      expect((await h.store.readStream('crashco', runId(8))).length).toBe(2);
    });
  });
});
