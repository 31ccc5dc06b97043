import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import { auditEntriesProjection } from '#audit';
import { ValidationError } from '#core';
import { GENESIS_HASH, PostgresEventStore, SqliteEventStore, type EventStore, type RecordedEvent } from '#event-store';
import { memoryItemsProjection } from '#memory';
import { PostgresViewDb, Projector, SqliteViewDb, type ViewDb } from '#projections';
import { collect } from '../../../event-store/src/testing/event-store.contract.js';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { ExportSigningKey } from '../signing/export-signing-key.js';
import { TrustedKeys } from '../signing/trusted-keys.js';
import { ComplianceExporter, type ExportRequest } from './compliance-exporter.js';
import { UnknownTenantError, ViewsUnavailableError } from './export.errors.js';
import { parseExportRange } from './export-range.js';
import { gzipLines, linesOf, memorySink, otherSigner, resignManifest, verifyBytes } from './testing/export-bytes.js';

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

interface Harness {
  store: EventStore;
  views: ViewDb;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres', clock: () => Date): Promise<Harness> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-export-'));
    return {
      store: SqliteEventStore.open({ path: join(dir, 'events.db'), clock }),
      views: SqliteViewDb.open(join(dir, 'views.db')),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = await createTestDatabase();
  return { store: await PostgresEventStore.connect({ connectionString: database.url, clock }), views: PostgresViewDb.connect(database.url), cleanup: database.drop };
}

describe.each(['sqlite', 'postgres'] as const)('compliance export on %s', (kind) => {
  let now = T0;
  let h: Harness;
  let projectors: Projector[] = [];
  const keyDir = mkdtempSync(join(tmpdir(), 'ledgerline-export-key-'));
  const signer = ExportSigningKey.load({ dataDir: keyDir });
  const trusted = TrustedKeys.of([signer.publicKey]);
  const exporter = new ComplianceExporter(() => new Date(now));

  const request = (change: Partial<ExportRequest> = {}): ExportRequest => ({
    store: h.store,
    views: h.views,
    tenantId: 'acme',
    range: {},
    withViews: false,
    projections: [memoryItemsProjection, auditEntriesProjection],
    signer,
    requestedBy: { userId: 'auditor', clientId: 'test', tool: 'test:export' },
    ...change,
  });
  const exportBytes = async (change: Partial<ExportRequest> = {}) => {
    const sink = memorySink();
    const summary = await exporter.exportTenant({ ...request(change), out: sink.out });
    return { summary, file: sink.bytes() };
  };
  const tenantEvents = async (tenantId: string) => collect(h.store.readAll({ tenantId }));
  const put = (key: string, value: string) => ({ type: 'MemoryItemPut', data: { key, value } });

  beforeAll(async () => {
    h = await harness(kind, () => new Date(now));
    const step = async (seconds: number, tenantId: string, streamId: string, events: Array<{ type: string; data: Record<string, string> }>) => {
      now = T0 + seconds * 1000;
      await h.store.append(tenantId, streamId, 'any', events.map((event) => ({ ...event, metadata: { userId: 'alice' } })));
    };
    await step(0, 'acme', 'memory:user:alice:notes', [put('a', 'one'), put('b', 'two')]);
    await step(1, 'globex', 'memory:user:bob:notes', [put('a', 'globex-secret')]);
    await step(2, 'acme', 'connector-crm', [{ type: 'ConnectorRegistered', data: { name: 'crm' } }]);
    await step(3, 'acme', 'run-0195a0c0-0000-7000-8000-000000000001', [{ type: 'RunStarted', data: { automation: 'invoice' } }, { type: 'RunCompleted', data: {} }]);
    await step(4, 'globex', 'run-0195a0c0-0000-7000-8000-000000000002', [{ type: 'RunStarted', data: { automation: 'globex-only' } }]);
    await step(5, 'acme', 'memory:user:alice:notes', [{ type: 'MemoryItemDeleted', data: { key: 'b' } }]);
    await step(6, 'acme', 'memory:tenant:shared', [put('policy', 'v1')]);
    projectors = [memoryItemsProjection, auditEntriesProjection].map((projection) => new Projector(h.store, h.views, projection, { idleWaitMs: 50 }));
    for (const projector of projectors) await projector.start();
    for (const projector of projectors) await projector.caughtUpWith();
    now = T0 + 60_000;
  });
  afterAll(async () => {
    for (const projector of projectors) await projector.stop();
    await h?.views.close();
    await h?.store.close();
    await h?.cleanup();
    rmSync(keyDir, { recursive: true, force: true });
  });

  describe('a whole tenant', () => {
    let file: Buffer;
    let lines: string[];
    let acme: RecordedEvent[];

    beforeAll(async () => {
      const before = await tenantEvents('acme');
      ({ file } = await exportBytes());
      lines = linesOf(file);
      acme = await tenantEvents('acme');
      expect(acme.length).toBe(before.length + 2); // ExportRequested, then ExportCompleted
    });

    it('verifies, holds exactly the tenant\'s events up to its own ExportRequested, and records who asked', async () => {
      const result = await verifyBytes(file, trusted);
      expect(result).toMatchObject({ ok: true, events: acme.length - 1, viewRows: 0 });
      const exported = lines.slice(1, -1).map((line) => (JSON.parse(line) as { event: RecordedEvent }).event);
      expect(exported).toEqual(acme.slice(0, -1));
      expect(lines.join('\n')).not.toContain('globex');
      expect(result.manifest).toMatchObject({
        tenantId: 'acme',
        chainStart: GENESIS_HASH,
        chainHead: acme[acme.length - 2]!.hash,
        counts: { events: 8, byType: { MemoryItemPut: 3, MemoryItemDeleted: 1, ConnectorRegistered: 1, RunStarted: 1, RunCompleted: 1, ExportRequested: 1 }, viewRows: 0 },
        first: { tenantPosition: 1, globalPosition: acme[0]!.globalPosition },
        last: { tenantPosition: 8 },
        keyId: signer.keyId,
      });
      const [requested, completed] = acme.slice(-2);
      expect(requested).toMatchObject({ type: 'ExportRequested', streamId: expect.stringMatching(/^export-[0-9a-f-]{36}$/), data: { range: {}, withViews: false, format: 'ledgerline-export/1' }, metadata: { userId: 'auditor', clientId: 'test', tool: 'test:export' } });
      expect(completed).toMatchObject({ type: 'ExportCompleted', streamId: requested!.streamId, data: { counts: result.manifest!.counts, chainHead: result.manifest!.chainHead, contentSha256: result.manifest!.contentSha256, keyId: signer.keyId }, metadata: { userId: 'auditor' } });
    });

    it('detects a flipped byte inside an event line (re-gzipped) and names that line', async () => {
      const changed = [...lines];
      changed[3] = changed[3]!.replace('"streamId":"c', '"streamId":"C');
      expect(changed[3]).not.toBe(lines[3]);
      expect(await verifyBytes(gzipLines(changed), trusted)).toMatchObject({ ok: false, firstBrokenLine: 4, problem: expect.stringMatching(/does not match its hash: it was altered/), events: 2 });
    });

    it('detects a flipped byte of the compressed file', async () => {
      for (const offset of [12, Math.floor(file.length / 2), file.length - 6]) {
        const damaged = Buffer.from(file);
        damaged[offset] = damaged[offset]! ^ 0x10;
        const result = await verifyBytes(damaged, trusted);
        expect({ offset, ok: result.ok }).toEqual({ offset, ok: false });
        expect(result.firstBrokenLine).toBeGreaterThanOrEqual(1);
        expect(result.firstBrokenLine).toBeLessThanOrEqual(lines.length + 1);
      }
    });

    it('detects a dropped line, the dropped first event and two swapped lines', async () => {
      const dropped = lines.filter((_, i) => i !== 4);
      expect(await verifyBytes(gzipLines(dropped), trusted)).toMatchObject({ ok: false, firstBrokenLine: 5, problem: 'tenantPosition 5 does not follow 3: a line is missing or out of order' });
      const droppedFirst = lines.filter((_, i) => i !== 1);
      expect(await verifyBytes(gzipLines(droppedFirst), trusted)).toMatchObject({ ok: false, firstBrokenLine: 2, problem: expect.stringMatching(/chainStart is the genesis hash.*tenantPosition 2: a line is missing/) });
      const swapped = [...lines];
      [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
      expect(await verifyBytes(gzipLines(swapped), trusted)).toMatchObject({ ok: false, firstBrokenLine: 6, problem: 'tenantPosition 6 does not follow 4: a line is missing or out of order' });
      const manifestMoved = [...lines.slice(0, 3), lines[lines.length - 1]!, ...lines.slice(3, -1)];
      expect(await verifyBytes(gzipLines(manifestMoved), trusted)).toMatchObject({ ok: false, firstBrokenLine: 4, problem: expect.stringMatching(/^manifest counts/) });
    });

    it('detects truncation: cut after a line, inside a line, and a gzip stream cut short', async () => {
      expect(await verifyBytes(gzipLines(lines.slice(0, 6)), trusted)).toMatchObject({ ok: false, firstBrokenLine: 7, problem: 'no manifest: the file ends after line 6' });
      expect(await verifyBytes(gzipLines(lines.slice(0, -1)), trusted)).toMatchObject({ ok: false, firstBrokenLine: lines.length, problem: `no manifest: the file ends after line ${lines.length - 1}` });
      const text = `${lines.join('\n')}\n`;
      const insideLine4 = text.slice(0, text.indexOf(lines[3]!) + 20);
      expect(await verifyBytes(gzipLines([insideLine4], false), trusted)).toMatchObject({ ok: false, firstBrokenLine: 4, problem: 'no manifest: the file ends after line 3 (line 4 is cut short)' });
      for (const keep of [file.length - 4, file.length - 40, Math.floor(file.length / 2)]) {
        const cut = file.subarray(0, keep);
        const complete = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8').split('\n').length - 1;
        const result = await verifyBytes(cut, trusted);
        expect({ keep, ...result }).toMatchObject({ keep, ok: false });
        if (complete < lines.length) expect(result).toMatchObject({ firstBrokenLine: complete + 1, problem: `no manifest: the file ends after line ${complete} (the gzip stream is cut short)` });
        else expect(result.problem).toBe('the gzip stream is cut short after the manifest');
      }
    });

    it('detects a changed manifest, a re-signed export and anything after the manifest', async () => {
      const last = lines.length;
      const withCount = [...lines.slice(0, -1), lines[last - 1]!.replace('"events":8', '"events":9')];
      expect(await verifyBytes(gzipLines(withCount), trusted)).toMatchObject({ ok: false, firstBrokenLine: last, problem: expect.stringMatching(/^manifest counts is \{.*"events":9.*\}, the file has \{.*"events":8/) });

      const forger = otherSigner();
      const edited = [...lines];
      edited[2] = edited[2]!.replace('"value":"two"', '"value":"TWO"');
      const forged = [...edited.slice(0, -1), resignManifest(lines[last - 1]!, forger, (manifest) => (manifest.keyId = forger.keyId))];
      expect(await verifyBytes(gzipLines(forged), trusted)).toMatchObject({ ok: false, firstBrokenLine: 3, problem: expect.stringMatching(/altered/) });
      const resigned = [...lines.slice(0, -1), resignManifest(lines[last - 1]!, forger, (manifest) => (manifest.keyId = forger.keyId))];
      expect(await verifyBytes(gzipLines(resigned), trusted)).toMatchObject({ ok: false, firstBrokenLine: last, problem: expect.stringMatching(new RegExp(`signed with key ${forger.keyId}, which is not a trusted key`)) });
      const resignedSameId = [...lines.slice(0, -1), resignManifest(lines[last - 1]!, forger)];
      expect(await verifyBytes(gzipLines(resignedSameId), trusted)).toMatchObject({ ok: false, firstBrokenLine: last, problem: `the signature does not verify with the trusted key ${signer.keyId}` });
      expect(await verifyBytes(file, TrustedKeys.of([forger.publicKey!]))).toMatchObject({ ok: false, firstBrokenLine: last, problem: expect.stringMatching(/not a trusted key/) });

      expect(await verifyBytes(gzipLines([...lines, lines[1]!]), trusted)).toMatchObject({ ok: false, firstBrokenLine: last + 1, problem: 'nothing may follow the manifest' });
      expect(await verifyBytes(Buffer.from('not gzip at all'), trusted)).toMatchObject({ ok: false, firstBrokenLine: 1, problem: expect.stringMatching(/gzip stream is damaged/) });
    });
  });

  it('exports a time range: a contiguous run of tenant positions whose chainStart is the hash before it', async () => {
    const acme = await tenantEvents('acme');
    const { file, summary } = await exportBytes({ range: parseExportRange({ since: at(2), until: at(5) }) });
    const result = await verifyBytes(file, trusted);
    expect(result).toMatchObject({ ok: true, events: 3 });
    expect(summary).toMatchObject({ range: { since: at(2), until: at(5) }, chainStart: acme[1]!.hash, chainHead: acme[4]!.hash, first: { tenantPosition: 3 }, last: { tenantPosition: 5 } });
    expect(JSON.parse(linesOf(file)[0]!)).toMatchObject({ kind: 'header', chainStart: acme[1]!.hash, range: { since: at(2), until: at(5) } });

    const empty = await exportBytes({ range: parseExportRange({ since: at(3600) }) });
    expect(await verifyBytes(empty.file, trusted)).toMatchObject({ ok: true, events: 0 });
    expect(empty.summary).toMatchObject({ first: null, last: null, chainHead: empty.summary.chainStart });
  });

  it('adds the tenant\'s view rows, only its own, and verifies them', async () => {
    const { file, summary } = await exportBytes({ withViews: true });
    const views = linesOf(file).map((line) => JSON.parse(line) as { kind: string; table?: string; row?: { tenant_id: string } }).filter((line) => line.kind === 'view');
    expect(views.length).toBeGreaterThan(0);
    expect(new Set(views.map((line) => line.table))).toEqual(new Set(['memory_items', 'audit_entries']));
    expect(views.every((line) => line.row!.tenant_id === 'acme')).toBe(true);
    expect(await verifyBytes(file, trusted)).toMatchObject({ ok: true, viewRows: views.length });
    expect(summary.counts.viewRows).toBe(views.length);
  });

  it('carries what the opener makes of the data beside the stored event, covered by the signature', async () => {
    const opener = { open: async (event: RecordedEvent) => (event.type === 'MemoryItemPut' ? { redacted: true } : undefined) };
    const { file } = await exportBytes({ opener });
    const lines = linesOf(file);
    const puts = lines.map((line) => JSON.parse(line) as { event?: RecordedEvent; opened?: unknown }).filter((line) => line.event?.type === 'MemoryItemPut');
    expect(puts.map((line) => line.opened)).toEqual([{ redacted: true }, { redacted: true }, { redacted: true }]);
    expect(await verifyBytes(file, trusted)).toMatchObject({ ok: true });
    const changed = lines.map((line) => line.replace('{"redacted":true}', '{"redacted":false}'));
    expect(await verifyBytes(gzipLines(changed), trusted)).toMatchObject({ ok: false, firstBrokenLine: lines.length, problem: expect.stringMatching(/^manifest contentSha256/) });
  });

  it('waits for a slow destination (back-pressure) and still writes a whole file', async () => {
    const chunks: Buffer[] = [];
    const slow = new Writable({ highWaterMark: 1, write: (chunk: Buffer, _encoding, done) => setImmediate(() => (chunks.push(chunk), done())) });
    await exporter.exportTenant({ ...request({ withViews: true }), out: slow });
    expect(await verifyBytes(Buffer.concat(chunks), trusted)).toMatchObject({ ok: true });
  });

  it('never shows another tenant\'s events in a tenant\'s export', async () => {
    const { file } = await exportBytes({ tenantId: 'globex', withViews: true });
    const text = linesOf(file).join('\n');
    expect(text).not.toMatch(/"acme"|alice:notes|"invoice"/);
    expect(await verifyBytes(file, trusted)).toMatchObject({ ok: true, manifest: { tenantId: 'globex', counts: { byType: { MemoryItemPut: 1, RunStarted: 1, ExportRequested: 1 } } } });
  });

  it('refuses an unknown tenant, a bad tenant id, a bad range and unbuilt views, appending nothing', async () => {
    const head = await h.store.headPosition();
    await expect(exporter.prepare(request({ tenantId: 'initech' }))).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(exporter.prepare(request({ tenantId: 'bad tenant' }))).rejects.toBeInstanceOf(ValidationError);
    expect(() => parseExportRange({ since: 'yesterday' })).toThrow(ValidationError);
    expect(() => parseExportRange({ since: at(5), until: at(5) })).toThrow(/must be before/);
    const unbuilt = { ...memoryItemsProjection, name: 'never_built', tables: { never_built: 'CREATE TABLE never_built (tenant_id TEXT NOT NULL, k TEXT NOT NULL, PRIMARY KEY (tenant_id, k))' } };
    await expect(exporter.prepare(request({ withViews: true, projections: [unbuilt] }))).rejects.toBeInstanceOf(ViewsUnavailableError);
    expect(await h.store.headPosition()).toBe(head);
  });
});
