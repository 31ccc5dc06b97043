import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement, type Transaction } from 'better-sqlite3';
import { BoundedMemo } from '#core';
import { assertIdempotencyKey, assertPosition, assertStreamId, assertTenantId, validateAppend, type ValidatedAppend } from '../append-request.js';
import { AppendNotifier } from '../append-notifier.js';
import { planAppend, type TenantHead } from '../append-plan.js';
import { IdempotencyKeyReusedError } from '../event-store.errors.js';
import { resolveOptions, type EventStoreOptions, type ResolvedEventStoreOptions } from '../event-store.options.js';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedVersion,
  IdempotencyRecord,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamId,
  TenantId,
} from '../event-store.port.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { HeadCache } from './head-cache.js';
import { migrateSqlite } from './sqlite.schema.js';

export interface SqliteEventStoreOptions extends EventStoreOptions {
  /** Path of the database file, or `:memory:`. */
  path: string;
  /**
   * FULL (the default) syncs the WAL on every commit: an acknowledged append survives power loss.
   * NORMAL may lose the last commits on power loss (never on a process crash); for benchmarks only.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface EventRow {
  global_position: number;
  tenant_id: string;
  tenant_position: number;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  hash: string;
  archived: number;
}

interface PendingAppend {
  request: ValidatedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

const EVENT_COLUMNS = `global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type,
  schema_version, data, metadata, recorded_at, hash`;
const READ_COLUMNS = `${EVENT_COLUMNS}, archived`;
/** Readers skip tombstones unless they ask for them (chain verification, exports). */
const LIVE = 'archived = 0';
const EVENT_COLUMN_COUNT = 12;
/** Rows per multi-row INSERT: fewer statement calls per group commit. */
const INSERT_CHUNK = 32;
const ROW_PLACEHOLDERS = `(${Array(EVENT_COLUMN_COUNT).fill('?').join(', ')})`;

/**
 * The embedded event store: one SQLite file in WAL mode. Appends are queued and committed in
 * groups: every append that arrives before the queue is flushed joins one transaction and one
 * fsync; each is planned in memory first, so one caller's conflict writes nothing and fails alone.
 */
export class SqliteEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly options: ResolvedEventStoreOptions;
  private readonly notifier = new AppendNotifier();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly commitGroup: Transaction<(batch: PendingAppend[]) => Array<AppendResult | { error: unknown }>>;
  private readonly heads = new HeadCache();
  /** readAll's last batches, decoded (readBatch); valid while `batchesDataVersion` is the file's and nothing was archived. */
  private readonly recentBatches = new Map<string, readonly RecordedEvent[]>();
  private batchesDataVersion = -1;
  private pending: PendingAppend[] = [];
  private closed = false;
  private commits = 0;
  private appends = 0;

  private constructor(private readonly db: Database, options: SqliteEventStoreOptions) {
    this.options = resolveOptions(options);
    this.statements = prepareStatements(db);
    this.commitGroup = db.transaction((batch: PendingAppend[]) => this.writeGroup(batch));
    this.checkpoints = {
      load: async (subscriptionId) => (this.statements.loadCheckpoint.get(subscriptionId) as number | undefined) ?? undefined,
      save: async (subscriptionId, position) => {
        this.statements.saveCheckpoint.run(subscriptionId, position, this.options.clock().toISOString());
      },
    };
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const db = new BetterSqlite3(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
    return new SqliteEventStore(db, options);
  }

  async append(tenantId: TenantId, streamId: StreamId, expectedVersion: ExpectedVersion, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const request = validateAppend(tenantId, streamId, expectedVersion, events, options, this.options.maxEventBytes);
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      // Everything that arrives before the next turn of the event loop commits with this append.
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let outcomes: Array<AppendResult | { error: unknown }>;
    try {
      outcomes = this.commitGroup.immediate(batch);
    } catch (error) {
      this.heads.clear(); // it may hold heads of the group that was rolled back
      for (const append of batch) append.reject(error);
      return;
    }
    this.commits += 1;
    batch.forEach((append, index) => {
      const outcome = outcomes[index]!;
      if ('error' in outcome) return append.reject(outcome.error);
      if (!outcome.replayed) this.appends += 1;
      append.resolve(outcome);
    });
    this.notifier.notify();
  }

  /**
   * Plans every append of the group against heads kept in memory (read once, then updated as the
   * group goes), so a refused append (conflict, reused key) never wrote anything and needs no savepoint;
   * then writes the accepted events in multi-row inserts. Runs inside the group's transaction.
   */
  private writeGroup(batch: PendingAppend[]): Array<AppendResult | { error: unknown }> {
    const s = this.statements;
    this.heads.revalidate(s.dataVersion.get() as number);
    const keys = new Map<string, { requestHash: string; result: AppendResult }>();
    const recordedAt = this.options.clock().toISOString();
    const rows: unknown[] = [];
    let nextPosition = ((s.lastPosition.get() as number | null) ?? 0) + 1;

    const outcomes = batch.map(({ request }): AppendResult | { error: unknown } => {
      try {
        const { tenantId, streamId, idempotencyKey, requestHash } = request;
        const keyId = `${tenantId}\u0000${idempotencyKey}`;
        if (idempotencyKey !== undefined) {
          const previous = keys.get(keyId) ?? this.storedIdempotencyKey(tenantId, idempotencyKey);
          if (previous) {
            if (previous.requestHash !== requestHash) throw new IdempotencyKeyReusedError(tenantId, idempotencyKey);
            return { ...previous.result, replayed: true };
          }
        }
        const plan = planAppend(request, {
          tenantHead: this.heads.tenantHead(tenantId, () => (s.tenantHead.get(tenantId) as TenantHead | undefined) ?? { position: 0, hash: GENESIS_HASH }),
          streamVersion: this.heads.streamVersion(tenantId, streamId, () => (s.streamVersion.get(tenantId, streamId) as number | null) ?? 0),
          globalPositions: request.events.map((_, index) => nextPosition + index),
          recordedAt,
          newEventId: this.options.newEventId,
        });
        this.heads.update(tenantId, streamId, plan.tenantHead, plan.streamVersion);
        nextPosition += request.events.length;
        plan.events.forEach((event, index) => {
          const source = request.events[index]!;
          rows.push(event.globalPosition, tenantId, event.tenantPosition, streamId, event.streamVersion, event.eventId,
            event.type, event.schemaVersion, source.dataJson, source.metadataJson, recordedAt, event.hash);
        });
        if (idempotencyKey !== undefined) {
          // What a replay answers: the first answer without its time, as on PostgreSQL.
          const { recordedAt: _recordedAt, ...kept } = plan.result;
          keys.set(keyId, { requestHash: requestHash!, result: kept });
          s.insertIdempotencyKey.run(tenantId, idempotencyKey, requestHash, JSON.stringify(kept));
        }
        return plan.result;
      } catch (error) {
        return { error };
      }
    });
    this.insertRows(rows);
    return outcomes;
  }

  private storedIdempotencyKey(tenantId: TenantId, idempotencyKey: string): { requestHash: string; result: AppendResult } | undefined {
    const row = this.statements.findIdempotencyKey.get(tenantId, idempotencyKey) as { request_hash: string; result: string } | undefined;
    return row && { requestHash: row.request_hash, result: JSON.parse(row.result) as AppendResult };
  }

  /** Inserts flattened event rows, INSERT_CHUNK rows per statement while there are enough. */
  private insertRows(values: unknown[]): void {
    const chunk = INSERT_CHUNK * EVENT_COLUMN_COUNT;
    let offset = 0;
    for (; offset + chunk <= values.length; offset += chunk) this.statements.insertEvents.run(values.slice(offset, offset + chunk));
    for (; offset < values.length; offset += EVENT_COLUMN_COUNT) this.statements.insertEvent.run(values.slice(offset, offset + EVENT_COLUMN_COUNT));
  }

  /** Committed transactions and the appends they carried, since this store was opened. */
  stats(): { commits: number; appends: number } {
    return { commits: this.commits, appends: this.appends };
  }

  async readStream(tenantId: TenantId, streamId: StreamId, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertTenantId(tenantId);
    assertStreamId(streamId);
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    assertPosition(limit, 'limit', 1);
    if (options.fromVersion !== undefined) assertPosition(options.fromVersion, 'fromVersion');
    const rows = options.direction === 'backward'
      ? this.statements.readStreamBackward.with(limit).all(tenantId, streamId, options.fromVersion ?? Number.MAX_SAFE_INTEGER)
      : this.statements.readStreamForward.with(limit).all(tenantId, streamId, options.fromVersion ?? 1);
    return (rows as EventRow[]).map(toRecordedEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent[]> {
    this.assertOpen();
    let after = options.after ?? 0;
    const batchSize = options.batchSize ?? 500;
    assertPosition(after, 'after');
    assertPosition(batchSize, 'batchSize', 1);
    if (options.tenantId !== undefined) assertTenantId(options.tenantId);
    // A snapshot of the head keeps the iteration finite while writers go on appending.
    const head = await this.headPosition(options.tenantId);
    while (after < head) {
      const batch = this.readBatch(after, head, batchSize, options);
      if (batch.length === 0) return;
      after = batch[batch.length - 1]!.globalPosition;
      yield [...batch];
    }
  }

  /**
   * One batch of readAll. The log's followers (a projector per view, the relay, the listeners)
   * all read the same new range after each append: the last few batches read at the head (short
   * of a full batch) are kept, decoded, and the same range is answered from them while no row of
   * the file can have changed (nothing archived here, no other connection's write: PRAGMA
   * data_version). Their events are frozen
   * through and through: a reader that changed one would change it for every other reader, so
   * none may (it throws).
   */
  private readBatch(after: number, head: number, batchSize: number, options: ReadAllOptions): readonly RecordedEvent[] {
    const s = this.statements;
    const dataVersion = s.dataVersion.get() as number;
    if (dataVersion !== this.batchesDataVersion) {
      this.recentBatches.clear();
      this.batchesDataVersion = dataVersion;
    }
    const key = `${after}\u0000${head}\u0000${batchSize}\u0000${options.tenantId ?? ''}\u0000${options.withTombstones === true}`;
    const kept = this.recentBatches.get(key);
    if (kept) return kept;
    const rows = (options.tenantId === undefined
      ? (options.withTombstones ? s.readAllWithTombstones : s.readAll).with(batchSize).all(after, head)
      : (options.withTombstones ? s.readAllForTenantWithTombstones : s.readAllForTenant).with(batchSize).all(options.tenantId, after, head)) as EventRow[];
    // A full batch is a read from behind the head (a start, a rebuild, an export): nobody else reads it now.
    if (rows.length === batchSize) return rows.map(toRecordedEvent);
    const batch = Object.freeze(rows.map((row) => deepFreeze(toRecordedEvent(row))));
    if (this.recentBatches.size >= RECENT_BATCHES) this.recentBatches.delete(this.recentBatches.keys().next().value!);
    this.recentBatches.set(key, batch);
    return batch;
  }

  async archiveStreams(tenantId: TenantId, streamIds: readonly StreamId[], upTo: number): Promise<number> {
    this.assertOpen();
    assertTenantId(tenantId);
    streamIds.forEach((streamId) => assertStreamId(streamId));
    assertPosition(upTo, 'upTo');
    // Heads and stream versions are unchanged by a tombstone, so the head cache stays valid; batches read before are not.
    this.recentBatches.clear();
    return this.db.transaction(() => streamIds.reduce((count, streamId) => count + this.statements.archiveStream.run(tenantId, streamId, upTo).changes, 0)).immediate();
  }

  async findIdempotencyKey(tenantId: TenantId, idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    assertTenantId(tenantId);
    assertIdempotencyKey(idempotencyKey);
    const stored = this.storedIdempotencyKey(tenantId, idempotencyKey);
    return stored && { fingerprint: stored.requestHash, result: { ...stored.result, replayed: true } };
  }

  async headPosition(tenantId?: TenantId): Promise<number> {
    this.assertOpen();
    if (tenantId === undefined) return (this.statements.lastPosition.get() as number | null) ?? 0;
    assertTenantId(tenantId);
    return (this.statements.lastTenantPosition.get(tenantId) as number | null) ?? 0;
  }

  /** One writer, commits in position order: what is committed is safe to read. */
  committedPosition(tenantId?: TenantId): Promise<number> {
    return this.headPosition(tenantId);
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.notifier.wait(timeoutMs, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.pending.length > 0) this.flush();
    this.closed = true;
    this.notifier.notify();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function prepareStatements(db: Database) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  const single = (sql: string): Statement => db.prepare(sql).pluck();
  const byLimit = (sql: string): ByLimit => new ByLimit(db, sql);
  return {
    dataVersion: single('PRAGMA data_version'),
    lastPosition: single('SELECT max(global_position) FROM events'),
    lastTenantPosition: single('SELECT max(global_position) FROM events WHERE tenant_id = ?'),
    tenantHead: prepare('SELECT tenant_position AS position, hash FROM events WHERE tenant_id = ? ORDER BY global_position DESC LIMIT 1'),
    streamVersion: single('SELECT max(stream_version) FROM events WHERE tenant_id = ? AND stream_id = ?'),
    insertEvent: prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`),
    insertEvents: prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${Array(INSERT_CHUNK).fill(ROW_PLACEHOLDERS).join(', ')}`),
    findIdempotencyKey: prepare('SELECT request_hash, result FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?'),
    insertIdempotencyKey: prepare('INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, result) VALUES (?, ?, ?, ?)'),
    readStreamForward: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE tenant_id = ? AND stream_id = ? AND stream_version >= ? AND ${LIVE}
      ORDER BY stream_version`),
    readStreamBackward: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE tenant_id = ? AND stream_id = ? AND stream_version <= ? AND ${LIVE}
      ORDER BY stream_version DESC`),
    readAll: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE global_position > ? AND global_position <= ? AND ${LIVE}
      ORDER BY global_position`),
    readAllWithTombstones: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE global_position > ? AND global_position <= ?
      ORDER BY global_position`),
    readAllForTenant: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE tenant_id = ? AND global_position > ? AND global_position <= ? AND ${LIVE}
      ORDER BY global_position`),
    readAllForTenantWithTombstones: byLimit(`SELECT ${READ_COLUMNS} FROM events WHERE tenant_id = ? AND global_position > ? AND global_position <= ?
      ORDER BY global_position`),
    archiveStream: prepare(`UPDATE events SET data = 'null', metadata = '{}', archived = 1
      WHERE tenant_id = ? AND stream_id = ? AND global_position <= ? AND ${LIVE}`),
    loadCheckpoint: single('SELECT position FROM checkpoints WHERE subscription_id = ?'),
    saveCheckpoint: prepare(`INSERT INTO checkpoints (subscription_id, position, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (subscription_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`),
  };
}

/**
 * A read's statements, one per LIMIT, with the limit written into the SQL. SQLite's planner weighs
 * a LIMIT, so binding one expires the statement and it is prepared again at every execution: an
 * empty tail read of a stream took 18 µs that way and 4 µs like this (measured on this machine).
 * Reads use a handful of limits (none, 1, a batch size); past MAX_LIMITS distinct ones the
 * statements are dropped and prepared again as they come.
 */
class ByLimit {
  private static readonly MAX_LIMITS = 32;
  private readonly statements: BoundedMemo<number, Statement>;

  constructor(db: Database, sql: string) {
    this.statements = new BoundedMemo(ByLimit.MAX_LIMITS, (limit) => db.prepare(limit === Number.MAX_SAFE_INTEGER ? sql : `${sql} LIMIT ${limit}`));
  }

  /** `limit` is a validated positive integer; Number.MAX_SAFE_INTEGER reads without one. */
  with(limit: number): Statement {
    return this.statements.get(limit);
  }
}

/** A value and everything in it made read-only: an event handed to many readers. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** How many of readAll's batches are kept decoded (readBatch): one per range the followers are reading. */
const RECENT_BATCHES = 8;

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    globalPosition: row.global_position,
    tenantId: row.tenant_id,
    tenantPosition: row.tenant_position,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: row.recorded_at,
    hash: row.hash,
    ...(row.archived === 1 && { archived: true as const }),
  };
}
