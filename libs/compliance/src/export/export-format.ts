import type { JsonObject, JsonValue } from '#core';
import { canonicalJson, type RecordedEvent } from '#event-store';

export const EXPORT_FORMAT = 'ledgerline-export/1';

/** Instants as ISO-8601 UTC; `since` is inclusive, `until` exclusive. */
export type ExportRange = {
  since?: string;
  until?: string;
};

export interface ExportHeaderLine {
  kind: 'header';
  format: typeof EXPORT_FORMAT;
  tenantId: string;
  createdAt: string;
  range: ExportRange;
  /** The hash before the first exported event: GENESIS_HASH when the export starts at the tenant's first event. */
  chainStart: string;
  includesViews: boolean;
}

export interface ExportEventLine {
  kind: 'event';
  /** Exactly as stored, so the hash chain verifies. */
  event: RecordedEvent;
  /** What the EventDataOpener made of the data (decrypted personal data, a redaction marker); outside the chain, inside the signed content. */
  opened?: JsonValue;
}

/**
 * An event of the chain whose envelope is not in the file, by its hash alone: `archived`, the
 * event left the live store with its stream's archive (a tombstone); `elided`, an archive file
 * holds only its streams' events and names the tenant's other events in between this way. The
 * chain verifies across it: the next event must link to its hash.
 */
export interface ExportStubLine {
  kind: 'archived' | 'elided';
  tenantPosition: number;
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  hash: string;
}

export interface ExportViewLine {
  kind: 'view';
  projection: string;
  table: string;
  row: JsonObject;
}

export type ExportPosition = {
  tenantPosition: number;
  globalPosition: number;
};

export type ExportCounts = {
  events: number;
  byType: Record<string, number>;
  viewRows: number;
  /** Stub lines of each kind, present only when there are some (files without stubs read as before). */
  archived?: number;
  elided?: number;
};

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  tenantId: string;
  createdAt: string;
  range: ExportRange;
  counts: ExportCounts;
  /** The first and last line of the chain (an event or a stub). */
  first: ExportPosition | null;
  last: ExportPosition | null;
  chainStart: string;
  /** The hash of the last exported event (chainStart when none was exported). */
  chainHead: string;
  /** Hex SHA-256 of every uncompressed byte before the manifest line, newlines included. */
  contentSha256: string;
  /** RFC 7638 thumbprint of the signing key. */
  keyId: string;
}

export interface ExportManifestLine {
  kind: 'manifest';
  manifest: ExportManifest;
  /** Base64url Ed25519 signature of canonicalJson(manifest). */
  signature: string;
}

export type ExportLine = ExportHeaderLine | ExportEventLine | ExportStubLine | ExportViewLine | ExportManifestLine;

/** What the signature covers: the manifest's RFC 8785 canonical JSON. */
export function signedManifestText(manifest: ExportManifest): string {
  return canonicalJson(manifest as unknown as JsonValue);
}
