import { describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chainHash, GENESIS_HASH, type RecordedEvent } from '#event-store';
import { ExportSigningKey } from '../signing/export-signing-key.js';
import { TrustedKeys } from '../signing/trusted-keys.js';
import { EXPORT_FORMAT, signedManifestText, type ExportManifest } from './export-format.js';
import { gzipLines, verifyBytes } from './testing/export-bytes.js';

const signer = ExportSigningKey.load({ pem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dataDir: '/nonexistent' });
const trusted = TrustedKeys.of([signer.publicKey]);
const createdAt = '2025-03-01T09:00:00.000Z';

function chained(tenantId: string, count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let previous = GENESIS_HASH;
  for (let n = 1; n <= count; n++) {
    const envelope = { tenantId, tenantPosition: n, streamId: 's-1', streamVersion: n, eventId: `e-${n}`, type: n % 2 ? 'Odd' : 'Even', schemaVersion: 1, data: { n }, metadata: {}, recordedAt: createdAt };
    previous = chainHash(previous, envelope);
    events.push({ ...envelope, globalPosition: n * 10, hash: previous });
  }
  return events;
}

/** An export written by hand, line by line, as the format describes it. */
function exportLines(events: RecordedEvent[], views: object[] = [], header: object = {}): string[] {
  const head = JSON.stringify({ kind: 'header', format: EXPORT_FORMAT, tenantId: 'acme', createdAt, range: {}, chainStart: GENESIS_HASH, includesViews: views.length > 0, ...header });
  const body = [head, ...events.map((event) => JSON.stringify({ kind: 'event', event })), ...views.map((row) => JSON.stringify({ kind: 'view', projection: 'p', table: 't', row }))];
  const byType: Record<string, number> = {};
  for (const event of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
  const position = (event: RecordedEvent | undefined) => (event ? { tenantPosition: event.tenantPosition, globalPosition: event.globalPosition } : null);
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT, tenantId: 'acme', createdAt, range: {}, counts: { events: events.length, byType, viewRows: views.length },
    first: position(events[0]), last: position(events.at(-1)), chainStart: GENESIS_HASH, chainHead: events.at(-1)?.hash ?? GENESIS_HASH,
    contentSha256: createHash('sha256').update(body.map((line) => `${line}\n`).join('')).digest('hex'), keyId: signer.keyId,
  };
  return [...body, JSON.stringify({ kind: 'manifest', manifest, signature: signer.sign(signedManifestText(manifest)) })];
}

describe('verifyExport (the format, line by line)', () => {
  it('accepts a well-formed export, with and without events and views', async () => {
    expect(await verifyBytes(gzipLines(exportLines(chained('acme', 3))), trusted)).toMatchObject({ ok: true, events: 3, viewRows: 0 });
    expect(await verifyBytes(gzipLines(exportLines([])), trusted)).toMatchObject({ ok: true, events: 0 });
    expect(await verifyBytes(gzipLines(exportLines(chained('acme', 2), [{ tenant_id: 'acme', k: 1 }])), trusted)).toMatchObject({ ok: true, viewRows: 1 });
  });

  it('names the first broken line and why', async () => {
    const lines = exportLines(chained('acme', 3), [{ tenant_id: 'acme' }]);
    const cases: Array<[string[], number, RegExp]> = [
      [[], 1, /no manifest: the file ends after line 0/],
      [['{"kind":"event"}', ...lines.slice(1)], 1, /the first line must be the header/],
      [[lines[0]!.replace(EXPORT_FORMAT, 'ledgerline-export/2'), ...lines.slice(1)], 1, /bad header: format/],
      [[lines[0]!, 'not json', ...lines.slice(1)], 2, /not JSON/],
      [[lines[0]!, lines[0]!, ...lines.slice(1)], 2, /a second header/],
      [[lines[0]!, '{"kind":"gossip"}'], 2, /unknown line kind "gossip"/],
      [[lines[0]!, JSON.stringify({ kind: 'event', event: chained('globex', 1)[0] })], 2, /an event of tenant globex in the export of tenant acme/],
      [[lines[0]!, JSON.stringify({ kind: 'event', event: { ...chained('acme', 1)[0], data: undefined } })], 2, /bad event line: event.data/],
      [[...lines.slice(0, 4), lines[4]!.replace('"tenant_id":"acme"', '"tenant_id":"globex"'), lines[5]!], 5, /a view row of tenant "globex"/],
      [[...lines.slice(0, 3), lines[4]!, lines[3]!, lines[5]!], 5, /an event line after the view lines/],
      [[lines[0]!.replace('"includesViews":true', '"includesViews":false'), ...lines.slice(1)], 5, /no views/],
    ];
    for (const [changed, line, problem] of cases) {
      const result = await verifyBytes(gzipLines(changed, changed.length > 0), trusted);
      expect({ line: result.firstBrokenLine, ok: result.ok }).toEqual({ line, ok: false });
      expect(result.problem).toMatch(problem);
    }
  });

  it('refuses a signature whose unused trailing bits are set, though its bytes verify', async () => {
    const lines = exportLines(chained('acme', 2));
    const manifestLine = JSON.parse(lines.at(-1)!) as { signature: string };
    const { signature } = manifestLine;
    const lenient = signature.slice(0, -1) + String.fromCharCode(signature.charCodeAt(signature.length - 1) + 1);
    expect(Buffer.from(lenient, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    const changed = [...lines.slice(0, -1), JSON.stringify({ ...manifestLine, signature: lenient })];
    const result = await verifyBytes(gzipLines(changed), trusted);
    expect({ ok: result.ok, line: result.firstBrokenLine }).toEqual({ ok: false, line: 4 });
    expect(result.problem).toMatch(/the signature is not canonical unpadded base64url: its unused trailing bits are not zero/);
  });
});
