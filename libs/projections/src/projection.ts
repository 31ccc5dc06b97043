import type { RecordedEvent } from '#event-store';
import type { ViewSql } from './view-db.port.js';

/**
 * A view built from the global log. `apply` must be deterministic in the events alone (no clock,
 * no reads of other views), so that a rebuild from position 0 gives the same rows.
 */
export interface Projection {
  /** Names the projection's checkpoint; its tables should share it as a prefix. */
  readonly name: string;
  /** Bump it when the tables or `apply` change: the projector then rebuilds from position 0. */
  readonly version: number;
  /** Table name → CREATE TABLE statement (portable SQL, see ViewSql). Every table has tenant_id. */
  readonly tables: Readonly<Record<string, string>>;
  /**
   * Index name → CREATE INDEX statement on one of `tables` (portable SQL). Made with the tables,
   * so a new index comes with a new version; an online rebuild gives its shadow tables their own
   * copies, named per generation (rebuild/shadow-tables.ts).
   */
  readonly indexes?: Readonly<Record<string, string>>;
  /**
   * The events `apply` acts on; the others are skipped without a transaction. Replaying skipped
   * events changes nothing, so their checkpoint is saved lazily.
   */
  handles(event: RecordedEvent): boolean;
  apply(tx: ViewSql, event: RecordedEvent): Promise<void>;
  /**
   * Optional: applies several handled events, in log order, in one go (multi-row statements, a
   * lookup shared by the batch), leaving exactly the rows `apply` would leave one event at a
   * time. Rebuilds and projectors hand whole batches to it; without it, they call `apply` per
   * event (applyEvents).
   */
  applyBatch?(tx: ViewSql, events: readonly RecordedEvent[]): Promise<void>;
}

/** Applies handled events in log order: through the projection's batch path when it has one, else one `apply` each. */
export async function applyEvents(projection: Projection, tx: ViewSql, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (projection.applyBatch) return projection.applyBatch(tx, events);
  for (const event of events) await projection.apply(tx, event);
}
