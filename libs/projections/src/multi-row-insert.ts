import type { ViewSql } from './view-db.port.js';

/**
 * Rows per INSERT at most. Statements take powers of two of rows up to it, so a handful of
 * statement texts serve a batch of any size (each prepared once, see SqliteViewDb) and the
 * placeholders stay well below both databases' limits (32,766 on SQLite, 65,535 on PostgreSQL).
 */
const MAX_ROWS_PER_STATEMENT = 128;

export interface MultiRowInsert {
  table: string;
  columns: readonly string[];
  /** What follows the VALUES list, e.g. `ON CONFLICT (tenant_id, position) DO NOTHING`. */
  tail?: string;
}

/**
 * Inserts rows with multi-row statements: one statement per up to 128 rows instead of one per
 * row (a round trip each on PostgreSQL, a native call and its bindings each on SQLite). Rows land
 * in the order given, as separate INSERTs would land them. A tail with DO UPDATE must not meet
 * the same key twice in one call (PostgreSQL refuses to update a row twice in one statement).
 */
export async function insertRows(tx: ViewSql, insert: MultiRowInsert, rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  for (let start = 0; start < rows.length; ) {
    let count = MAX_ROWS_PER_STATEMENT;
    while (count > rows.length - start) count >>= 1;
    const params: unknown[] = [];
    for (let index = start; index < start + count; index++) {
      const row = rows[index]!;
      if (row.length !== insert.columns.length) throw new Error(`a row of ${row.length} values for the ${insert.columns.length} columns of ${insert.table}`);
      params.push(...row);
    }
    await tx.run(insertSql(insert, count), params);
    start += count;
  }
}

const texts = new WeakMap<MultiRowInsert, Map<number, string>>();

function insertSql(insert: MultiRowInsert, count: number): string {
  let byCount = texts.get(insert);
  if (!byCount) texts.set(insert, (byCount = new Map()));
  let sql = byCount.get(count);
  if (sql === undefined) {
    const row = `(${insert.columns.map(() => '?').join(', ')})`;
    sql = `INSERT INTO ${insert.table} (${insert.columns.join(', ')}) VALUES ${Array.from({ length: count }, () => row).join(', ')}${insert.tail ? ` ${insert.tail}` : ''}`;
    byCount.set(count, sql);
  }
  return sql;
}
