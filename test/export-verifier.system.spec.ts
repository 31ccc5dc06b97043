import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEntriesProjection } from '#audit';
import { FINAL_RUN_EVENTS, runsProjection } from '#automation';
import { archiveTenant, ComplianceExporter, ExportSigningKey, PersonalDataOpener, setEventRetention, TrustedKeys, type ExportRequest } from '#compliance';
import type { CommandMetadata } from '#core';
import { SqliteEventStore, type NewEvent } from '#event-store';
import { openPersonalDataVault, type PersonalDataVault } from '#keys';
import { memoryItemsProjection } from '#memory';
import { Projector, SqliteViewDb, type Projection } from '#projections';
import { gzipLines, linesOf, memorySink, otherSigner, verifyBytes } from '../libs/compliance/src/export/testing/export-bytes.js';
import { tamperedCopies, type TamperedExport } from './support/export-tampering.js';
import { PythonExportVerifier } from './support/python-export-verifier.js';

// The export format as a specification: tools/export-verifier/verify-export.py was written from
// docs/export-format.md alone. It must accept what Ledgerline writes (exports with several
// streams, sealed and erased personal data, tombstones and views; a time range; an archive file;
// the document's worked example) and refuse every tampered copy, as `ledgerline verify` does.

const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const PROJECTIONS: Projection[] = [runsProjection, auditEntriesProjection, memoryItemsProjection];
const operator: CommandMetadata = { tenantId: 'acme', userId: 'ops', clientId: 'test', scopes: [], correlationId: 'c-1', tool: 'test' };
const runId = (n: number) => `run-0195a0c0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const started = (n: number): NewEvent => ({
  type: 'RunStarted',
  data: { runId: runId(n), automation: 'invoice', version: 1, input: { amount: 12.5, note: 'é€😀\u2028' }, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 1000 * DAY, stepIds: ['s1'], secretPins: {} },
  metadata: { userId: 'alice' },
});
/** What RFC 8785 makes hard to get right: number forms, escapes, keys in UTF-16 order (😀 before U+E000). */
const awkwardJson = {
  numbers: [0, -0, 1e-6, 1e-7, 1.5e-7, 5e-324, 1e20, 1e21, 123456789012345680000, Number.MAX_SAFE_INTEGER, -1e300, 0.1 + 0.2, 333333333.33333329, 4.5],
  strings: ['\u0000', '\u001f', '\n\t"\\/', '\u007f', 'ǅ', '\u2028'],
  keys: { '\ud83d\ude00': 1, '\ue000': 2, 'é': 3, a: 4, A: 5, '': 6 },
};
const completed: NewEvent = { type: 'RunCompleted', data: { outputs: awkwardJson }, metadata: { userId: 'alice' } };
const BOB_SECRET = 'bob-plaintext-address-221B';

describe('the export format, checked by an independent verifier written from docs/export-format.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-export-verifier-'));
  let now = T0;
  const store = SqliteEventStore.open({ path: join(dir, 'events.db'), clock: () => new Date(now) });
  const views = SqliteViewDb.open(join(dir, 'views.db'));
  const signer = ExportSigningKey.load({ dataDir: dir });
  const jwks = JSON.stringify(signer.jwks());
  const trusted = TrustedKeys.parse(jwks, 'jwks');
  const exporter = new ComplianceExporter(() => new Date(now));
  let projectors: Projector[] = [];
  let vault: { vault: PersonalDataVault; close(): Promise<void> };
  let python: PythonExportVerifier;
  let keyFile: string;
  let archiveFile: string;

  const append = async (day: number, streamId: string, events: NewEvent[]) => {
    now = T0 + day * DAY;
    await store.append('acme', streamId, 'any', events);
  };
  const memoryPut = async (user: string, key: string, value: string): Promise<NewEvent> => {
    const streamId = `memory:user:${user}:notes`;
    const sealed = await vault.vault.seal('acme', user, value, streamId);
    return { type: 'MemoryItemPut', data: { key, value: sealed.sealed, digest: sealed.digest }, metadata: { userId: user } };
  };
  const exportOf = async (change: Partial<ExportRequest> = {}): Promise<Buffer> => {
    const sink = memorySink();
    await exporter.exportTenant({
      store, views, tenantId: 'acme', range: {}, withViews: true, projections: PROJECTIONS, signer, opener: new PersonalDataOpener(vault.vault),
      requestedBy: { userId: 'auditor' }, out: sink.out, ...change,
    });
    return sink.bytes();
  };
  const bothVerdicts = async (file: Buffer) => ({ python: python.verify(file, keyFile), ours: await verifyBytes(file, trusted) });

  beforeAll(async () => {
    python = new PythonExportVerifier(); // builds its venv on first use; fails (never skips) without Python
    keyFile = python.keyFile(jwks);
    vault = await openPersonalDataVault({ kind: 'sqlite', dataDir: dir }, { dataDir: dir });
    await append(0, 'connector-crm', [{ type: 'ConnectorRegistered', data: { name: 'crm' }, metadata: { userId: 'alice' } }]);
    await append(0, 'memory:user:alice:notes', [await memoryPut('alice', 'home', 'alice-plaintext')]);
    await append(0, 'memory:user:bob:notes', [await memoryPut('bob', 'home', BOB_SECRET)]);
    await append(0, runId(1), [started(1), completed]);
    await append(1, runId(2), [started(2)]);
    await append(1, runId(3), [started(3)]); // never finishes: stays live
    await append(1, runId(2), [completed]);
    await append(28, runId(5), [started(5), completed]); // finished, but recently
    projectors = PROJECTIONS.map((projection) => new Projector(store, views, projection, { idleWaitMs: 50 }));
    for (const projector of projectors) await projector.start();
    now = T0 + 30 * DAY;
    await setEventRetention(store, operator, 10);
    archiveFile = join(dir, 'archive.ndjson.gz');
    const archived = await archiveTenant({ store, views, projections: PROJECTIONS, rules: [{ prefix: 'run-', finalTypes: FINAL_RUN_EVENTS }], signer, metadata: operator, file: archiveFile, now: new Date(now) });
    expect(archived.tombstoned).toBe(4);
    await vault.vault.eraseSubject('acme', 'bob');
    for (const projector of projectors) await projector.caughtUpWith();
  });
  afterAll(async () => {
    for (const projector of projectors) await projector.stop();
    await vault?.close();
    await views.close();
    await store.close();
    python?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('accepts what Ledgerline writes', () => {
    it('a whole export: several streams, sealed and erased personal data, tombstones, views', async () => {
      const file = await exportOf();
      const kinds = linesOf(file).map((line) => (JSON.parse(line) as { kind: string }).kind);
      expect(new Set(kinds)).toEqual(new Set(['header', 'event', 'archived', 'view', 'manifest']));
      const text = linesOf(file).join('\n');
      expect(text).toContain('"opened"');
      expect(text).toContain('"$erased":true');
      expect(text).not.toContain(BOB_SECRET);
      const { python: verdict, ours } = await bothVerdicts(file);
      expect(ours).toMatchObject({ ok: true, manifest: { counts: { archived: 4 } } });
      expect(verdict).toEqual({ exitCode: 0, output: expect.stringMatching(new RegExp(`^valid: ${ours.events} events of tenant acme, chain head ${ours.manifest!.chainHead}`)) });
    });

    it('a time range, whose chain starts after the genesis value', async () => {
      const file = await exportOf({ range: { since: new Date(T0 + DAY).toISOString() }, withViews: false });
      const { python: verdict, ours } = await bothVerdicts(file);
      expect(ours.ok).toBe(true);
      expect(ours.manifest!.chainStart).not.toBe('0'.repeat(64));
      expect(verdict.exitCode).toBe(0);
    });

    it('an archive file, with the other streams\' events elided', async () => {
      const file = readFileSync(archiveFile);
      const { python: verdict, ours } = await bothVerdicts(file);
      expect(ours).toMatchObject({ ok: true, manifest: { counts: { events: 4, elided: 1 } } });
      expect(verdict.exitCode).toBe(0);
    });

    it('the document\'s worked example', async () => {
      const doc = readFileSync(new URL('../docs/export-format.md', import.meta.url), 'utf8');
      const lines = /The decompressed file, four lines:\n\n```\n([\s\S]*?)```/.exec(doc)![1]!.split('\n').slice(0, -1);
      const exampleJwks = /```json\n(\{"keys"[^\n]*)\n```/.exec(doc)![1]!;
      const file = gzipLines(lines);
      expect(python.verify(file, python.keyFile(exampleJwks))).toMatchObject({ exitCode: 0 });
      expect(await verifyBytes(file, TrustedKeys.parse(exampleJwks, 'example'))).toMatchObject({ ok: true, events: 2 });
    });
  });

  describe('refuses every tampered copy, as ledgerline verify does', () => {
    let cases: TamperedExport[];
    beforeAll(async () => {
      const file = await exportOf();
      cases = tamperedCopies(linesOf(file), file, otherSigner());
    });

    it('refuses each case, both naming the same first broken line', async () => {
      const verdicts = [];
      for (const { name, file } of cases) {
        const { python: verdict, ours } = await bothVerdicts(file);
        const pythonLine = /^invalid: line (\d+): /.exec(verdict.output)?.[1];
        verdicts.push({ name, python: verdict.exitCode, ours: ours.ok, sameLine: pythonLine !== undefined && Number(pythonLine) === ours.firstBrokenLine });
      }
      expect(verdicts).toEqual(cases.map(({ name }) => ({ name, python: 1, ours: false, sameLine: true })));
    });

    it('refuses a changed or leniently encoded signature for the reason the document gives (section 7)', async () => {
      const reasons = Object.fromEntries(cases.filter(({ name }) => name.startsWith('signature')).map(({ name, file }) => [name, python.verify(file, keyFile).output.replace(/^invalid: line \d+: /, '')]));
      expect(reasons).toEqual({
        'signature changed': 'the signature does not verify with the trusted key',
        'signature with changed trailing bits': 'the signature is not canonical base64url (its unused trailing bits are not zero)',
        'signature padded': 'the signature is not unpadded base64url',
        'signature over another message': 'the signature does not verify with the trusted key',
      });
      const trailingBits = cases.find(({ name }) => name === 'signature with changed trailing bits')!;
      expect((await verifyBytes(trailingBits.file, trusted)).problem).toBe('the signature is not canonical unpadded base64url: its unused trailing bits are not zero');
    });

    it('refuses an export signed by a key it does not trust', async () => {
      const file = await exportOf({ signer: otherSigner() });
      const { python: verdict, ours } = await bothVerdicts(file);
      expect(verdict).toEqual({ exitCode: 1, output: expect.stringMatching(/not trusted/) });
      expect(ours).toMatchObject({ ok: false, problem: expect.stringMatching(/not a trusted key/) });
    });
  });
});
