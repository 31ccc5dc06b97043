/**
 * The SQL the projections speak: one portable dialect (SQLite 3.24+ and PostgreSQL both accept
 * it): `?` placeholders, `INSERT … ON CONFLICT … DO UPDATE SET x = excluded.x`, TEXT and INTEGER
 * (BIGINT on PostgreSQL) columns, JSON kept as TEXT. No `?` inside string literals.
 */
export interface ViewSql {
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  all<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface ViewDb extends ViewSql {
  /** Runs `work` in one transaction: a view change and its checkpoint commit together or not at all. */
  transaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T>;
  /**
   * Reads bound to one tenant. On PostgreSQL these run as the RLS-bound tenant role, so a query
   * that forgets its tenant predicate still sees one tenant's rows.
   */
  forTenant(tenantId: string): ViewSql;
  /** Applies row-level security to a table that has a tenant_id column (a no-op on SQLite). */
  protectTenantTable(table: string): Promise<void>;
  close(): Promise<void>;
}
