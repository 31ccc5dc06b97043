/**
 * The SQL the projections speak: one portable dialect (SQLite 3.24+ and PostgreSQL both accept
 * it): `?` placeholders, `INSERT … ON CONFLICT … DO UPDATE SET x = excluded.x`, TEXT and INTEGER
 * (BIGINT on PostgreSQL) columns, JSON kept as TEXT. No `?` inside string literals.
 */
export interface ViewSql {
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  all<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Being the one process that does a job, until `lost` resolves (the holder's connection died). */
export interface Leadership {
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface ViewDb extends ViewSql {
  /**
   * Becomes the one process, among all sharing this database, that holds `name`, or answers
   * undefined when another holds it. On PostgreSQL a session advisory lock on its own connection:
   * a holder that dies releases it with its connection. The embedded store has one process.
   */
  tryLead(name: string): Promise<Leadership | undefined>;
  /** Runs `work` in one transaction: a view change and its checkpoint commit together or not at all. */
  transaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, for a change the log can make again: a projector's batch with its
   * checkpoint. Its commit does not wait for the disk (PostgreSQL: synchronous_commit off for it;
   * SQLite views commit that way already). A crash of the database server may lose the last such
   * commits, never part of one: the projector applies them again from the checkpoint that stayed.
   * Not for a change acknowledged elsewhere (a Kafka offset), which nothing would make again.
   */
  replayableTransaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, but no other writer of `tables` has a transaction in flight while `work`
   * runs, and readers of them wait for the commit instead of seeing a half-done change. The lock
   * comes first, before any statement of `work`. PostgreSQL: LOCK TABLE … IN ACCESS EXCLUSIVE
   * MODE; SQLite: the transaction's own database-wide write lock (BEGIN IMMEDIATE), while its
   * readers keep their WAL snapshot until the commit.
   */
  exclusiveTransaction<T>(tables: readonly string[], work: (tx: ViewSql) => Promise<T>): Promise<T>;
  /** What a SELECT appends to lock the rows it reads until the commit: ` FOR UPDATE`, or '' where the write lock is database-wide. */
  readonly lockRowsClause: string;
  /**
   * Reads bound to one tenant. On PostgreSQL these run as the RLS-bound tenant role, so a query
   * that forgets its tenant predicate still sees one tenant's rows.
   */
  forTenant(tenantId: string): ViewSql;
  /** Applies row-level security to a table that has a tenant_id column (a no-op on SQLite). */
  protectTenantTable(table: string): Promise<void>;
  close(): Promise<void>;
}
