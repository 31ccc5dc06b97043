import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { PostgresViewDb } from '../postgres-view-db.js';
import { SqliteViewDb } from '../sqlite-view-db.js';
import type { ViewDb } from '../view-db.port.js';

/**
 * `count` view databases over one fresh store (a views.db in a new directory, or a new PostgreSQL
 * database), each with connections of its own, as processes sharing it have. Two SQLite
 * connections of one process must not write at once: each would wait on the other's lock.
 */
export async function sharedViewDbs(kind: 'sqlite' | 'postgres', count = 2): Promise<{ dbs: ViewDb[]; close: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-views-'));
    const dbs = Array.from({ length: count }, () => SqliteViewDb.open(join(dir, 'views.db')));
    return { dbs, close: async () => (await closeAll(dbs), rmSync(dir, { recursive: true, force: true })) };
  }
  const database = await createTestDatabase();
  const dbs = Array.from({ length: count }, () => PostgresViewDb.connect(database.url, 2));
  return { dbs, close: async () => (await closeAll(dbs), await database.drop()) };
}

async function closeAll(dbs: readonly ViewDb[]): Promise<void> {
  for (const db of dbs) await db.close();
}
