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
}

interface RebuildRow {
  generation: number | string;
  tenant_scope: string;
  position: number | string;
  live_version: number | string;
  active: number | string;
}

export async function ensureRebuildsTable(db: ViewSql): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS ${REBUILDS_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, tenant_scope TEXT NOT NULL,
      position BIGINT NOT NULL, live_version INTEGER NOT NULL, active INTEGER NOT NULL)`,
  );
}

export async function loadRebuildState(db: ViewSql, projection: string): Promise<RebuildState | undefined> {
  const [row] = await db.all<RebuildRow>(`SELECT generation, tenant_scope, position, live_version, active FROM ${REBUILDS_TABLE} WHERE name = ?`, [projection]);
  return row && {
    projection,
    generation: Number(row.generation),
    tenantScope: row.tenant_scope,
    position: Number(row.position),
    liveVersion: Number(row.live_version),
    active: Number(row.active) === 1,
  };
}

export async function saveRebuildState(tx: ViewSql, state: RebuildState): Promise<void> {
  await tx.run(
    `INSERT INTO ${REBUILDS_TABLE} (name, generation, tenant_scope, position, live_version, active) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, tenant_scope = excluded.tenant_scope, position = excluded.position,
       live_version = excluded.live_version, active = excluded.active`,
    [state.projection, state.generation, state.tenantScope, state.position, state.liveVersion, state.active ? 1 : 0],
  );
}

/**
 * Moves the shadow's checkpoint from where this rebuild left it, in the transaction of the batch
 * that got it there. A row that moved meanwhile means a second rebuild of the same projection
 * runs: this one stops, and its batch rolls back.
 */
export async function advanceRebuild(tx: ViewSql, state: RebuildState, position: number, active = true): Promise<void> {
  const changed = await tx.run(
    `UPDATE ${REBUILDS_TABLE} SET position = ?, active = ? WHERE name = ? AND generation = ? AND position = ? AND active = 1`,
    [position, active ? 1 : 0, state.projection, state.generation, state.position],
  );
  if (changed !== 1) {
    throw new ConflictError('projections.rebuild.concurrent', `another rebuild of ${state.projection} is running (its shadow moved under this one)`, { projection: state.projection });
  }
}
