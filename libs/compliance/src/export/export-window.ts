import { GENESIS_HASH, type EventStore } from '#event-store';
import type { ExportRange } from './export-format.js';
import { rangeBounds } from './export-range.js';

/**
 * Events per page read for an export. A page stays alive while its lines are written: at 1,000
 * events it outlived two scavenges of the CLI's small young generation (see apps/cli/src/cli-thread.ts)
 * and was promoted whole, so the old generation swung between 22 and 100 MB (peak RSS 235 MB for a
 * million events, 154 MB with pages of 100, and less CPU). PostgreSQL answers each page with one
 * indexed range query.
 */
export const READ_BATCH = 100;

/** The contiguous run of tenant positions an export holds; empty when `first > last`. */
export interface ExportWindow {
  first: number;
  last: number;
  /** Read the log after this global position: the event before the first exported one. */
  after: number;
  chainStart: string;
}

/**
 * Tombstones count as events here (they keep their time): the window is a run of tenant positions.
 * From the first event recorded at or after `since` to the last recorded before `until`, up to
 * `head`; everything between is exported whatever its time, so the tenant positions stay
 * gap-free (clocks of several processes need not agree to the millisecond).
 */
export async function findExportWindow(store: EventStore, tenantId: string, head: number, range: ExportRange): Promise<ExportWindow> {
  if (range.since === undefined && range.until === undefined) return { first: 1, last: Number.POSITIVE_INFINITY, after: 0, chainStart: GENESIS_HASH };
  const { since, until } = rangeBounds(range);
  let previousHash = GENESIS_HASH;
  let previousGlobal = 0;
  let start: { first: number; after: number; chainStart: string } | undefined;
  let last = 0;
  scan: for await (const batch of store.readAll({ tenantId, batchSize: READ_BATCH, withTombstones: true })) {
    for (const event of batch) {
      if (event.globalPosition > head) break scan;
      const at = Date.parse(event.recordedAt);
      if (start === undefined && at >= since) start = { first: event.tenantPosition, after: previousGlobal, chainStart: previousHash };
      if (at < until) last = event.tenantPosition;
      previousHash = event.hash;
      previousGlobal = event.globalPosition;
    }
  }
  // Nothing recorded since `since`: an empty export that starts after the tenant's last event.
  if (start === undefined) return { first: 1, last: 0, after: head, chainStart: previousHash };
  return last < start.first ? { ...start, last: 0, first: 1, after: head } : { ...start, last };
}
