import { v7 as uuidv7 } from 'uuid';
import type { ExportCounts, ExportRange } from './export-format.js';

/** Who may download the tenant's verifiable export over REST. */
export const COMPLIANCE_EXPORT_SCOPE = 'compliance:export';

/** One stream per export, apart from every other aggregate's prefix (run-, connector-, automation-, memory:, tenant-). */
export function newExportStreamId(): string {
  return `export-${uuidv7()}`;
}

export type ExportRequested = {
  type: 'ExportRequested';
  data: { range: ExportRange; withViews: boolean; format: string };
};

export type ExportCompleted = {
  type: 'ExportCompleted';
  data: { counts: ExportCounts; chainHead: string; contentSha256: string; keyId: string };
};

export type ExportEvent = ExportRequested | ExportCompleted;

/** An export's stream is closed once ExportCompleted is in: retention may archive it (see ClosedStreamRule). */
export const CLOSED_EXPORT_STREAMS = { prefix: 'export-', finalTypes: new Set<string>(['ExportCompleted']) } as const;
