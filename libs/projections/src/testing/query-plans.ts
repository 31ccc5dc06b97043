import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../event-store/src/sqlite/sqlite-event-store.js';
import type { Projection } from '../projection.js';
import { Projector } from '../projector.js';
import { SqliteViewDb } from '../sqlite-view-db.js';
import type { ViewSql } from '../view-db.port.js';

/** An embedded view database with a projection's tables and indexes, made as a starting platform makes them (from an empty log). */
export async function emptyViewsOf(projection: Projection): Promise<{ views: SqliteViewDb; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-plans-'));
  const store = SqliteEventStore.open({ path: join(dir, 'events.db') });
  const views = SqliteViewDb.open(join(dir, 'views.db'));
  const projector = new Projector(store, views, projection);
  await projector.start();
  await projector.stop();
  await store.close();
  return {
    views,
    async close() {
      await views.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A ViewSql that runs nothing: it records SQLite's plan (EXPLAIN QUERY PLAN on `views`) of every
 * statement it is given, one line per step, each followed by the start of its statement. Reads
 * answer no rows.
 */
export function planRecorder(views: ViewSql): { sql: ViewSql; plans: string[] } {
  const plans: string[] = [];
  const explain = async (statement: string, params: readonly unknown[]): Promise<void> => {
    for (const row of await views.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, params)) plans.push(`${row.detail}  ← ${statement.replace(/\s+/g, ' ').slice(0, 60)}`);
  };
  const sql: ViewSql = {
    async run(statement, params = []) {
      await explain(statement, params);
      return 1;
    },
    async all<Row extends object>(statement: string, params: readonly unknown[] = []): Promise<Row[]> {
      await explain(statement, params);
      return [];
    },
  };
  return { sql, plans };
}
