import { InvalidExportRangeError } from './export.errors.js';
import type { ExportRange } from './export-format.js';

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks `since` and `until` (ISO-8601 instants with a zone) and gives them back as UTC with milliseconds. */
export function parseExportRange(input: { since?: string | undefined; until?: string | undefined }): ExportRange {
  const since = instant('since', input.since);
  const until = instant('until', input.until);
  if (since !== undefined && until !== undefined && Date.parse(since) >= Date.parse(until)) {
    throw new InvalidExportRangeError(`since (${since}) must be before until (${until})`, { since, until });
  }
  return { ...(since !== undefined && { since }), ...(until !== undefined && { until }) };
}

function instant(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const millis = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(millis)) {
    throw new InvalidExportRangeError(`${name} must be an ISO-8601 instant with a zone, e.g. 2025-01-31T00:00:00Z, not ${JSON.stringify(value)}`, { [name]: value });
  }
  return new Date(millis).toISOString();
}

/** The range in epoch milliseconds, open ends infinite. */
export function rangeBounds(range: ExportRange): { since: number; until: number } {
  return {
    since: range.since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.since),
    until: range.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.until),
  };
}
