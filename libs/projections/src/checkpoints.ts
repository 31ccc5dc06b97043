import type { RecordedEvent } from '#event-store';
import { partitionOf, viewKeyOf } from './partitions.js';
import type { ViewSql } from './view-db.port.js';

/** The live projections' saved checkpoints: one row per projection, committed with each batch it applies. */
export const CHECKPOINTS_TABLE = 'll_projections';
/**
 * Where views fed by the bus (scale-out workers in a consumer group) stand: one row per
 * projection and partition of the by-tenant topic. A partition's position P says every event of
 * the log up to P whose tenant hashes to that partition is in the view (the relay marks each
 * partition with the position it published up to); its later events may be in it too.
 */
export const PARTITION_CHECKPOINTS_TABLE = 'll_projection_partitions';

export interface SavedCheckpoint {
  version: number;
  position: number;
}

export async function ensureCheckpointsTable(db: ViewSql): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${PARTITION_CHECKPOINTS_TABLE} (name TEXT NOT NULL, part INTEGER NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (name, part))`);
}

/** `lockRows` (ViewDb.lockRowsClause) holds the row until the reading transaction ends. */
export async function loadCheckpoint(db: ViewSql, projection: string, lockRows = ''): Promise<SavedCheckpoint | undefined> {
  const [row] = await db.all<{ version: number | string; position: number | string }>(`SELECT version, position FROM ${CHECKPOINTS_TABLE} WHERE name = ?${lockRows}`, [projection]);
  return row && { version: Number(row.version), position: Number(row.position) };
}

/** The positions of a bus-fed view, by partition (empty: the view follows the log itself). */
export async function loadPartitionPositions(db: ViewSql, projection: string, lockRows = ''): Promise<number[]> {
  const rows = await db.all<{ part: number | string; position: number | string }>(`SELECT part, position FROM ${PARTITION_CHECKPOINTS_TABLE} WHERE name = ? ORDER BY part${lockRows}`, [projection]);
  return rows.map((row) => Number(row.position));
}

/**
 * Which events of the log a live view holds. A view that follows the log holds every event up
 * to one position; a view fed by partitions holds, for each partition, the events up to that
 * partition's position of the tenants that hash to it.
 */
export class Frontier {
  /** Every event up to here is in the view, whatever its tenant. */
  readonly low: number;
  /** No event after here is in the view. */
  readonly high: number;

  /** `partitions`: each partition's position, for a view fed by the bus's partitions (empty: the view follows the log itself). */
  constructor(readonly version: number, private readonly base: number, readonly partitions: readonly number[]) {
    this.low = partitions.length === 0 ? base : Math.min(...partitions);
    this.high = partitions.length === 0 ? base : Math.max(...partitions);
  }

  /** Whether the view took in events since `earlier` was loaded. */
  movedSince(earlier: Frontier | undefined): boolean {
    return !earlier || earlier.base !== this.base || this.partitions.some((position, part) => position !== earlier.partitions[part]);
  }

  /** Every event of this tenant up to here is in the view. */
  reachedFor(tenantId: string): number {
    return this.partitions.length === 0 ? this.base : this.partitions[partitionOf(viewKeyOf(tenantId), this.partitions.length)]!;
  }

  holds(event: Pick<RecordedEvent, 'tenantId' | 'globalPosition'>): boolean {
    return event.globalPosition <= this.reachedFor(event.tenantId);
  }

  get partitioned(): boolean {
    return this.partitions.length > 0;
  }
}

export async function loadFrontier(db: ViewSql, projection: string, lockRows = ''): Promise<Frontier | undefined> {
  const saved = await loadCheckpoint(db, projection, lockRows);
  return saved && new Frontier(saved.version, saved.position, await loadPartitionPositions(db, projection, lockRows));
}

/** Every view's frontier, by projection name, in two reads (one process watches all its views with them). */
export async function loadFrontiers(db: ViewSql): Promise<Map<string, Frontier>> {
  const saved = await db.all<{ name: string; version: number | string; position: number | string }>(`SELECT name, version, position FROM ${CHECKPOINTS_TABLE}`);
  const parts = await db.all<{ name: string; position: number | string }>(`SELECT name, position FROM ${PARTITION_CHECKPOINTS_TABLE} ORDER BY name, part`);
  const positions = new Map<string, number[]>();
  for (const row of parts) {
    const list = positions.get(row.name) ?? [];
    list.push(Number(row.position));
    positions.set(row.name, list);
  }
  return new Map(saved.map((row) => [row.name, new Frontier(Number(row.version), Number(row.position), positions.get(row.name) ?? [])]));
}
