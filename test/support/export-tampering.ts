import { createHash } from 'node:crypto';
import { chainHash, type RecordedEvent } from '#event-store';
import type { ExportManifest, ExportSigner } from '#compliance';
import { gzipLines, resignManifest } from '../../libs/compliance/src/export/testing/export-bytes.js';

export interface TamperedExport {
  name: string;
  file: Buffer;
}

type Line = { kind: string; event?: RecordedEvent; opened?: unknown; row?: Record<string, unknown>; hash?: string };
type ManifestLine = { kind: 'manifest'; manifest: ExportManifest; signature: string };

/** The same signature text with the last character's unused low bits set: the same bytes to a lenient decoder. */
export function withTrailingBits(signature: string): string {
  return signature.slice(0, -1) + String.fromCharCode(signature.charCodeAt(signature.length - 1) + 1);
}

/**
 * Every way of changing a valid export a verifier must refuse, each built from its uncompressed
 * `lines` (which must hold at least two events, one with `opened`, an `archived` line and a view
 * row) and its gzip `file`. `forger` signs as someone else would.
 */
export function tamperedCopies(lines: readonly string[], file: Buffer, forger: ExportSigner): TamperedExport[] {
  const parsed = lines.map((line) => JSON.parse(line) as Line);
  const indexOf = (test: (line: Line) => boolean, what: string): number => {
    const index = parsed.findIndex(test);
    if (index < 0) throw new Error(`the export to tamper with has no ${what}`);
    return index;
  };
  const firstEvent = indexOf((l) => l.kind === 'event', 'event');
  const opened = indexOf((l) => l.kind === 'event' && l.opened !== undefined, 'opened event');
  const archived = indexOf((l) => l.kind === 'archived', 'archived line');
  const view = indexOf((l) => l.kind === 'view', 'view line');
  const manifestAt = lines.length - 1;
  const manifestLine = parsed[manifestAt] as unknown as ManifestLine;
  const body = lines.slice(0, manifestAt);

  const replaced = (index: number, line: string) => lines.map((l, i) => (i === index ? line : l));
  const editedEvent = (index: number, change: (event: RecordedEvent) => RecordedEvent) => {
    const line = parsed[index]!;
    return JSON.stringify({ ...line, event: change(line.event!) });
  };
  const withManifest = (change: (line: ManifestLine) => ManifestLine) => [...body, JSON.stringify(change(structuredClone(manifestLine)))];
  const asTrustedKey: ExportSigner = { keyId: manifestLine.manifest.keyId, sign: (message) => forger.sign(message) };
  const previousHash = firstEvent === 1 ? (parsed[0] as unknown as { chainStart: string }).chainStart : parsed[firstEvent - 1]!.hash ?? parsed[firstEvent - 1]!.event!.hash;

  const changedLines: Array<[string, string[]]> = [
    ['edited event data', replaced(firstEvent, editedEvent(firstEvent, (e) => ({ ...e, data: { ...(e.data as object), tampered: true } })))],
    ['edited event data, its hash recomputed', replaced(firstEvent, editedEvent(firstEvent, (e) => {
      const data = { ...(e.data as object), tampered: true };
      return { ...e, data, hash: chainHash(previousHash, { ...e, data }) };
    }))],
    ['event moved to another stream', replaced(firstEvent, editedEvent(firstEvent, (e) => ({ ...e, streamId: `${e.streamId}-x` })))],
    ['event of another tenant', replaced(firstEvent, editedEvent(firstEvent, (e) => ({ ...e, tenantId: 'globex' })))],
    ['edited event recordedAt', replaced(firstEvent, editedEvent(firstEvent, (e) => ({ ...e, recordedAt: '2000-01-01T00:00:00.000Z' })))],
    ['edited opened personal data', replaced(opened, JSON.stringify({ ...parsed[opened], opened: { forged: true } }))],
    ['edited view row', replaced(view, JSON.stringify({ ...parsed[view], row: { ...parsed[view]!.row, forged: true } }))],
    ['archived line hash changed', replaced(archived, JSON.stringify({ ...parsed[archived], hash: 'f'.repeat(64) }))],
    ['two event lines swapped', lines.map((l, i) => (i === firstEvent ? lines[firstEvent + 1]! : i === firstEvent + 1 ? lines[firstEvent]! : l))],
    ['event line dropped', lines.filter((_, i) => i !== firstEvent + 1)],
    ['archived line dropped', lines.filter((_, i) => i !== archived)],
    ['event line repeated', [...lines.slice(0, firstEvent + 1), ...lines.slice(firstEvent)]],
    ['view line dropped', lines.filter((_, i) => i !== view)],
    ['header chainStart changed', replaced(0, lines[0]!.replace(/"chainStart":"[0-9a-f]{64}"/, `"chainStart":"${'1'.repeat(64)}"`))],
    ['manifest counts changed', withManifest((m) => ({ ...m, manifest: { ...m.manifest, counts: { ...m.manifest.counts, events: m.manifest.counts.events + 1 } } }))],
    ['manifest createdAt changed', withManifest((m) => ({ ...m, manifest: { ...m.manifest, createdAt: '2000-01-01T00:00:00.000Z' } }))],
    ['manifest changed and re-signed by another key', [...body, resignManifest(lines[manifestAt]!, forger, (m) => (m.createdAt = '2000-01-01T00:00:00.000Z'))]],
    ['edited event, chain and manifest redone by another key under the trusted key id', forgedWhole(parsed, asTrustedKey)],
    ['signature changed', withManifest((m) => ({ ...m, signature: m.signature.slice(0, 10) + (m.signature[10] === 'A' ? 'B' : 'A') + m.signature.slice(11) }))],
    ['signature with changed trailing bits', withManifest((m) => ({ ...m, signature: withTrailingBits(m.signature) }))],
    ['signature padded', withManifest((m) => ({ ...m, signature: `${m.signature}==` }))],
    ['signature over another message', withManifest((m) => ({ ...m, signature: forger.sign('another manifest') }))],
    ['a line after the manifest', [...lines, lines[firstEvent]!]],
    ['manifest line dropped', body],
  ];
  const text = `${lines.join('\n')}\n`;
  return [
    ...changedLines.map(([name, changed]) => ({ name, file: gzipLines(changed) })),
    { name: 'cut inside the manifest line', file: gzipLines([...body, lines[manifestAt]!.slice(0, 40)], false) },
    { name: 'cut inside an event line', file: gzipLines([...lines.slice(0, firstEvent), lines[firstEvent]!.slice(0, 30)], false) },
    { name: 'gzip stream cut short', file: file.subarray(0, Math.floor(file.length / 2)) },
    { name: 'gzip stream damaged', file: Buffer.concat([file.subarray(0, 20), Buffer.from(file.subarray(20, 40).map((b) => b ^ 0xff)), file.subarray(40)]) },
    { name: 'not gzip', file: Buffer.from(text) },
    { name: 'empty file', file: Buffer.alloc(0) },
  ];
}

/** A forger's best: event data edited, every later hash recomputed, the manifest redone and signed by `signer`. */
function forgedWhole(parsed: readonly Line[], signer: ExportSigner): string[] {
  const header = parsed[0] as unknown as { chainStart: string };
  let previous = header.chainStart;
  let edited = false;
  const lines = parsed.slice(0, -1).map((line) => {
    if (line.kind === 'event') {
      const data = edited ? line.event!.data : { ...(line.event!.data as object), forged: true };
      edited = true;
      const event = { ...line.event!, data, hash: chainHash(previous, { ...line.event!, data }) };
      previous = event.hash;
      return JSON.stringify({ ...line, event });
    }
    if (line.hash !== undefined) previous = line.hash;
    return JSON.stringify(line);
  });
  const manifestLine = JSON.stringify(parsed.at(-1));
  return [...lines, resignManifest(manifestLine, signer, (m) => {
    m.chainHead = previous;
    m.contentSha256 = createHash('sha256').update(lines.map((line) => `${line}\n`).join('')).digest('hex');
  })];
}
