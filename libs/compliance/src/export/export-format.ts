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
};

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  tenantId: string;
  createdAt: string;
  range: ExportRange;
  counts: ExportCounts;
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

export type ExportLine = ExportHeaderLine | ExportEventLine | ExportViewLine | ExportManifestLine;

/** What the signature covers: the manifest's RFC 8785 canonical JSON. */
export function signedManifestText(manifest: ExportManifest): string {
  return canonicalJson(manifest as unknown as JsonValue);
}
