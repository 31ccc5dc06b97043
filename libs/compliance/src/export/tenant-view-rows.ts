import type { JsonObject } from '#core';
import type { Projection, ViewSql } from '#projections';
import { ViewsUnavailableError } from './export.errors.js';

const PAGE_SIZE = 500;
const PRIMARY_KEY = /PRIMARY\s+KEY\s*\(([^)]+)\)/i;
const COLUMN = /^[a-z_][a-z0-9_]*$/i;

export interface ViewTable {
  projection: string;
  table: string;
  /** The table's primary key columns: the order the rows are paged in (keyset, so memory stays flat). */
  key: string[];
}

/** Every table of the projections with its primary key, read from its CREATE TABLE statement. */
export function viewTablesOf(projections: readonly Projection[]): ViewTable[] {
  return projections.flatMap((projection) =>
    Object.entries(projection.tables).map(([table, ddl]) => {
      const key = PRIMARY_KEY.exec(ddl)?.[1]?.split(',').map((column) => column.trim()) ?? [];
      if (key.length === 0 || !key.every((column) => COLUMN.test(column))) throw new Error(`view table ${table} has no plain PRIMARY KEY (...) to page by`);
      return { projection: projection.name, table, key };
    }),
  );
}

/** Fails before anything is recorded when a table cannot be read (views never built here). */
export async function assertViewsReadable(sql: ViewSql, tables: readonly ViewTable[]): Promise<void> {
  for (const { table } of tables) {
    try {
      await sql.all(`SELECT 1 FROM ${table} WHERE 1 = 0`);
    } catch (error) {
      throw new ViewsUnavailableError(table, error);
    }
  }
}

/** The tenant's rows of one table, a page at a time in primary key order. */
export async function* tenantRows(sql: ViewSql, tenantId: string, { table, key }: ViewTable): AsyncGenerator<JsonObject> {
  const order = key.join(', ');
  let after: unknown[] | undefined;
  for (;;) {
    const keyset = after === undefined ? '' : ` AND (${order}) > (${key.map(() => '?').join(', ')})`;
    const rows = await sql.all<JsonObject>(
      `SELECT * FROM ${table} WHERE tenant_id = ?${keyset} ORDER BY ${order} LIMIT ${PAGE_SIZE}`,
      [tenantId, ...(after ?? [])],
    );
    yield* rows;
    if (rows.length < PAGE_SIZE) return;
    const last = rows[rows.length - 1]!;
    after = key.map((column) => last[column]);
  }
}
