import { ConflictError } from '#core';
import type { ViewSql } from '../view-db.port.js';

export const REBUILDS_TABLE = 'll_rebuilds';
/** The tenant scope of a rebuild of every tenant's rows (no tenant id is empty). */
export const ALL_TENANTS = '';

/**
 * One row per projection: the shadow being built (active) or the last one switched in, whose
 * generation the next rebuild goes past. It commits with every batch applied to the shadow.
 */
export interface RebuildState {
  projection: string;
  generation: number;
  tenantScope: string;
  /** The shadow holds every event of its scope up to here. */
  position: number;
  /** The live projection's version the shadow was started against. */
  liveVersion: number;
  active: boolean;
  /**
   * When the row last moved (epoch ms): an operator tells a replay at work from one interrupted
   * and waiting to be resumed. Undefined in a row a replay wrote before the column existed.
   */
  updatedAt?: number;
}

interface RebuildRow {
  name: string;
  generation: number | string;
  tenant_scope: string;
  position: number | string;
  live_version: number | string;
  active: number | string;
  updated_at?: number | string | null;
}

export async function ensureRebuildsTable(db: ViewSql): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS ${REBUILDS_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, tenant_scope TEXT NOT NULL,
      position BIGINT NOT NULL, live_version INTEGER NOT NULL, active INTEGER NOT NULL, updated_at BIGINT)`,
  );
  // A table made before updated_at existed gets it; a second process adding it at the same time fails, and finds it there.
  if (await hasUpdatedAt(db)) return;
  await db.run(`ALTER TABLE ${REBUILDS_TABLE} ADD COLUMN updated_at BIGINT`).catch(async (error: unknown) => {
    if (!(await hasUpdatedAt(db))) throw error;
  });
}

function hasUpdatedAt(db: ViewSql): Promise<boolean> {
  return db.all(`SELECT updated_at FROM ${REBUILDS_TABLE} WHERE 1 = 0`).then(() => true, () => false);
}

export async function loadRebuildState(db: ViewSql, projection: string): Promise<RebuildState | undefined> {
  const [row] = await db.all<RebuildRow>(`SELECT * FROM ${REBUILDS_TABLE} WHERE name = ?`, [projection]);
  return row && stateOf(row);
}

/** Every projection's row, by projection name (one read; `SELECT *` reads a table made before updated_at too). */
export async function loadRebuildStates(db: ViewSql): Promise<Map<string, RebuildState>> {
  const rows = await db.all<RebuildRow>(`SELECT * FROM ${REBUILDS_TABLE}`);
  return new Map(rows.map((row) => [row.name, stateOf(row)]));
}

function stateOf(row: RebuildRow): RebuildState {
  return {
    projection: row.name,
    generation: Number(row.generation),
    tenantScope: row.tenant_scope,
    position: Number(row.position),
    liveVersion: Number(row.live_version),
    active: Number(row.active) === 1,
    ...(row.updated_at !== undefined && row.updated_at !== null && { updatedAt: Number(row.updated_at) }),
  };
}

export async function saveRebuildState(tx: ViewSql, state: RebuildState): Promise<void> {
  await tx.run(
    `INSERT INTO ${REBUILDS_TABLE} (name, generation, tenant_scope, position, live_version, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, tenant_scope = excluded.tenant_scope, position = excluded.position,
       live_version = excluded.live_version, active = excluded.active, updated_at = excluded.updated_at`,
    [state.projection, state.generation, state.tenantScope, state.position, state.liveVersion, state.active ? 1 : 0, Date.now()],
  );
}

/**
 * Moves the shadow's checkpoint from where this rebuild left it, in the transaction of the batch
 * that got it there. A row that moved meanwhile means a second rebuild of the same projection
 * runs: this one stops, and its batch rolls back.
 */
export async function advanceRebuild(tx: ViewSql, state: RebuildState, position: number, active = true): Promise<void> {
  const changed = await tx.run(
    `UPDATE ${REBUILDS_TABLE} SET position = ?, active = ?, updated_at = ? WHERE name = ? AND generation = ? AND position = ? AND active = 1`,
    [position, active ? 1 : 0, Date.now(), state.projection, state.generation, state.position],
  );
  if (changed !== 1) {
    throw new ConflictError('projections.rebuild.concurrent', `another rebuild of ${state.projection} is running (its shadow moved under this one)`, { projection: state.projection });
  }
}
