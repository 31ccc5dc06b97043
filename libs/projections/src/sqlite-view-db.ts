import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { Leadership, ViewDb, ViewSql } from './view-db.port.js';

/**
 * Views of the embedded mode, in their own SQLite file beside the events: the event store's
 * single writer keeps its head cache (another connection's commits to its file would void it)
 * and view writes never queue behind appends. Views and their checkpoints share this file, so
 * they stay atomic together.
 */
export class SqliteViewDb implements ViewDb {
  readonly lockRowsClause = '';
  /** Inside a transaction, statements go to the writer; reads outside go to the reader, whose WAL snapshot never shows a half-applied batch. */
  private readonly writerSql: ViewSql;
  private lastTransaction: Promise<void> = Promise.resolve();
  private readonly writerStatements: StatementCache;
  private readonly readerStatements: StatementCache;

  private constructor(private readonly db: Database, private readonly reader: Database) {
    this.writerStatements = new StatementCache(db);
    this.readerStatements = new StatementCache(reader);
    this.writerSql = {
      run: async (sql, params = []) => this.writerStatements.get(sql).run(...params).changes,
      all: async <Row extends object>(sql: string, params: readonly unknown[] = []) => this.writerStatements.get(sql).all(...params) as Row[],
    };
  }

  static open(path: string): SqliteViewDb {
    mkdirSync(dirname(path), { recursive: true });
    const db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    // Views are rebuilt from the log: losing the last commits on power loss costs a replay, never data.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    const reader = new BetterSqlite3(path);
    reader.pragma('busy_timeout = 10000');
    return new SqliteViewDb(db, reader);
  }

  /** A write outside a transaction still waits its turn, so it never lands inside another's. */
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  async all<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.readerStatements.get(sql).all(...params) as Row[];
  }

  /**
   * One connection, several projectors: transactions take turns (a second BEGIN on the same
   * connection would fail, and interleaved statements would land in the wrong transaction).
   */
  transaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T> {
    const turn = this.lastTransaction.then(() => this.runTransaction(work));
    this.lastTransaction = turn.then(() => undefined, () => undefined);
    return turn;
  }

  /** Every commit here is that already (synchronous = NORMAL: the WAL is not flushed at each commit). */
  replayableTransaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T> {
    return this.transaction(work);
  }

  /** BEGIN IMMEDIATE already holds the file's write lock, for this process's and other processes' writers alike. */
  exclusiveTransaction<T>(_tables: readonly string[], work: (tx: ViewSql) => Promise<T>): Promise<T> {
    return this.transaction(work);
  }

  private async runTransaction<T>(work: (tx: ViewSql) => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this.writerSql);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  forTenant(): ViewSql {
    return this;
  }

  async protectTenantTable(): Promise<void> {}

  /** One process per embedded data directory: it always leads. */
  async tryLead(): Promise<Leadership> {
    return { lost: new Promise<void>(() => undefined), release: async () => undefined };
  }

  async close(): Promise<void> {
    this.reader.close();
    this.db.close();
  }
}

/** How many prepared statements each connection keeps: the projections' statements are a few dozen texts, run millions of times. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Prepared statements by SQL text. Preparing costs more than running a small INSERT, and the
 * projections run the same few statements for every event: a rebuild of a million events spent
 * most of its time preparing. SQLite recompiles a cached statement by itself when the schema
 * changes (a table dropped and made again, a shadow renamed into place); one whose table is
 * gone fails when it runs, as it would have when prepared. Least recently used texts go first,
 * so SQL built with varying text (keyset pages) cannot grow it without bound.
 */
class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
