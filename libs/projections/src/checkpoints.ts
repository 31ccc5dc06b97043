import type { ViewSql } from './view-db.port.js';

/** The live projections' saved checkpoints: one row per projection, committed with each batch it applies. */
export const CHECKPOINTS_TABLE = 'll_projections';

export interface SavedCheckpoint {
  version: number;
  position: number;
}

export async function ensureCheckpointsTable(db: ViewSql): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)`);
}

/** `lockRows` (ViewDb.lockRowsClause) holds the row until the reading transaction ends. */
export async function loadCheckpoint(db: ViewSql, projection: string, lockRows = ''): Promise<SavedCheckpoint | undefined> {
  const [row] = await db.all<{ version: number | string; position: number | string }>(`SELECT version, position FROM ${CHECKPOINTS_TABLE} WHERE name = ?${lockRows}`, [projection]);
  return row && { version: Number(row.version), position: Number(row.position) };
}
