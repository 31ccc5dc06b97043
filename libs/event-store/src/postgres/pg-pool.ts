import pg from 'pg';
import { UnavailableError } from '#core';

/** How long a checkout waits for a new connection before the call fails (pg's own default is forever). */
export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 5000;
/**
 * The longest any statement of ours may run. An append is one statement: one that hangs (its
 * process killed while it waits on a lock, a stalled disk) keeps its in-flight marker, and so
 * every reader of the log, waiting at most this long.
 */
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 10_000;
/** A transaction of ours left open between statements (a frozen process) is ended after this long. */
export const DEFAULT_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/** The time limits of every connection of a pool; each defaults to the DEFAULT_PG_… above. */
export interface PgSessionLimits {
  connectTimeoutMs?: number;
  /** 0 turns the limit off (PostgreSQL's own default). */
  statementTimeoutMs?: number;
  /** 0 turns the limit off (PostgreSQL's own default). */
  idleInTransactionTimeoutMs?: number;
}

export interface PgPoolOptions extends PgSessionLimits {
  connectionString: string;
  max: number;
}

/**
 * The one way Ledgerline opens a PostgreSQL pool: a lost database makes calls fail within the connect
 * timeout instead of hanging, TCP keep-alive notices a peer that vanished without a word, no
 * statement or open transaction of ours can hold locks (or readers of the log) for ever, and an
 * idle client's error (the server went away) is dropped: the next checkout reconnects by itself.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Session settings sent at connect: they hold for every statement, whoever wrote it.
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_PG_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  pool.on('error', () => undefined);
  // A checked-out client whose connection drops emits 'error' too (its query, if any, is rejected):
  // without a listener that would kill the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

const LOST_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

/**
 * The PostgreSQL (or network) failures that mean "the database cannot be reached right now", as a
 * typed `store.unavailable` error; anything else is not ours to classify. SQLSTATE class 08 is a
 * connection exception; 57P01-57P03 are an administrator's shutdown or a server still starting.
 */
export function storeUnavailableFrom(error: unknown): UnavailableError | undefined {
  if (error instanceof UnavailableError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const lost =
    (typeof code === 'string' && (LOST_CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) ||
    LOST_CONNECTION_MESSAGES.some((message) => error.message.includes(message)) ||
    (error instanceof AggregateError && error.errors.some((inner) => storeUnavailableFrom(inner) !== undefined));
  return lost ? new UnavailableError('store.unavailable', 'the database cannot be reached; nothing was done, retry shortly', 1000, {}, { cause: error }) : undefined;
}

/**
 * A pool with `statements` (CREATE … IF NOT EXISTS) applied once, under a transaction-level
 * advisory lock: concurrent starts of several processes can still collide on IF NOT EXISTS alone.
 * The pool is ended if that fails.
 */
export async function createPgPoolWithSchema(options: PgPoolOptions, schemaLock: number, statements: readonly string[]): Promise<pg.Pool> {
  const pool = createPgPool(options);
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [schemaLock]);
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
