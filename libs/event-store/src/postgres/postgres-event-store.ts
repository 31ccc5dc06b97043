import { randomUUID } from 'node:crypto';
import { InFlight } from '#core';
import pg from 'pg';
import { createPgPool, storeUnavailableFrom, type PgSessionLimits } from './pg-pool.js';
import { assertIdempotencyKey, assertPosition, assertStreamId, assertTenantId, validateAppend, type ValidatedAppend } from '../append-request.js';
import { AppendNotifier } from '../append-notifier.js';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from '../event-store.errors.js';
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
import { migratePostgres } from './postgres.schema.js';
import { LogTail, NextFlight, type TailPage } from './shared-reads.js';

export interface PostgresEventStoreOptions extends EventStoreOptions, PgSessionLimits {
  connectionString: string;
  poolSize?: number;
}

interface EventRow {
  global_position: string;
  tenant_id: string;
  tenant_position: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: string;
  hash: string;
  archived: boolean;
}

/** A row of ll_append(): see postgres.schema.ts. */
interface AppendOutcome {
  status: 'appended' | 'replayed' | 'key_reused' | 'conflict';
  stream_version: string | null;
  first_position: string | null;
  last_position: string | null;
  previous_result: AppendResult | null;
}

/** An append waiting for its group: validated, its event ids and time given. */
interface PendingAppend {
  request: ValidatedAppend;
  eventIds: string[];
  recordedAt: string;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups on their way to the database at once. Two: one commits (its WAL flush) while the next
 * is planned and sent; more only add connections that wait on the same tenant locks and flushes.
 */
const GROUPS_IN_FLIGHT = 2;
/** Bounds of one group: its statement's size, and how long its tenant locks are held. */
const MAX_GROUP_APPENDS = 256;
const MAX_GROUP_EVENTS = 2000;

const NOTIFY_CHANNEL = 'll_events';
const EVENT_COLUMNS = `global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type,
  schema_version, data, metadata, recorded_at, hash, archived`;
/** Readers skip tombstones unless they ask for them (chain verification, exports). */
const LIVE = 'NOT archived';
/**
 * Only events below the oldest append in flight: nothing below them can still commit. In the same
 * statement as the rows it filters (see ll_oldest_in_flight in postgres.schema.ts).
 */
const SAFE = `global_position < coalesce((SELECT ll_oldest_in_flight()), ${Number.MAX_SAFE_INTEGER})`;
/**
 * How soon readers look again at events committed but held back (see noteHeldBack): at once at
 * first, then less often the longer the transaction holding them back runs.
 */
const HELD_BACK_RECHECK_MS = { first: 5, max: 250 };
/** The log's newest live rows kept for the followers that read them next (see LogTail): at most this many, this long after the last read. */
const TAIL_ROWS = 4000;
const TAIL_MAX_AGE_MS = 5000;

/**
 * The PostgreSQL event store, for many processes sharing one database. Appends to one tenant are
 * serialised by a transaction-level advisory lock (the tenant's hash chain needs its predecessor);
 * appends to different tenants run and commit concurrently. The appends that arrive together at
 * one process commit together (group commit: one statement, one transaction, one WAL flush), each
 * with its own outcome. Every tenant-bound read runs as the RLS-bound tenant role, so a query that
 * forgot its tenant predicate still sees one tenant, and binds it inside its one statement (one
 * round trip); a group of appends writes as the owner (see ll_append_batch in postgres.schema.ts).
 */
export class PostgresEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly options: ResolvedEventStoreOptions;
  private readonly notifier = new AppendNotifier();
  private listener: pg.Client | undefined;
  /** An append committed since the last NOTIFY left: one more is owed to other processes. */
  private notifyOwed = false;
  private notifyInFlight = false;
  private closed = false;
  private pending: PendingAppend[] = [];
  private groupsInFlight = 0;
  /** Called when the last group ends, by close() waiting for the appends under way. */
  private onIdle: (() => void) | undefined;
  /** Since when events committed above the safe head wait for an older transaction; undefined: none do. */
  private heldBackSince: number | undefined;
  private recheck: NodeJS.Timeout | undefined;
  /**
   * Every follower of the log in this process wakes on the same append and asks for the safe head,
   * then for the page after its checkpoint (most are at the same one): one query each, shared.
   */
  private readonly globalHead = new NextFlight(() => this.queryGlobalHead());
  /** Wake-ups so far (see wake), the count when the last head read began, and what the last one read. */
  private wakes = 0;
  private headReadWakes = -1;
  private lastHead: { value: number; wakes: number } | undefined;
  private readonly logPages = new InFlight<TailPage<EventRow>>();
  private readonly tail = new LogTail<EventRow>(TAIL_ROWS, TAIL_MAX_AGE_MS);
  /** Names this store's NOTIFYs, so that its listener can tell them from other processes'. */
  private readonly instanceId = randomUUID();

  private constructor(private readonly pool: pg.Pool, private readonly connectionString: string, options: EventStoreOptions) {
    this.options = resolveOptions(options);
    this.checkpoints = {
      load: async (subscriptionId) => {
        const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM ll_checkpoints WHERE subscription_id = $1', [subscriptionId]);
        return rows[0] ? Number(rows[0].position) : undefined;
      },
      save: async (subscriptionId, position) => {
        await this.pool.query(
          `INSERT INTO ll_checkpoints (subscription_id, position) VALUES ($1, $2)
           ON CONFLICT (subscription_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [subscriptionId, position],
        );
      },
    };
  }

  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const pool = createPgPool({ ...options, max: options.poolSize ?? 10 });
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
    return new PostgresEventStore(pool, options.connectionString, options);
  }

  async append(tenantId: TenantId, streamId: StreamId, expectedVersion: ExpectedVersion, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const request = validateAppend(tenantId, streamId, expectedVersion, events, options, this.options.maxEventBytes);
    const eventIds = request.events.map(() => this.options.newEventId());
    return new Promise((resolve, reject) => {
      this.pending.push({ request, eventIds, recordedAt: this.options.clock().toISOString(), resolve, reject });
      this.commitPending();
    });
  }

  /**
   * Group commit: while GROUPS_IN_FLIGHT groups are on their way, appends queue; each group that
   * ends sends everything queued meanwhile as the next one (one statement, one transaction, one
   * WAL flush). A lone append goes at once: no timer holds anything back.
   */
  private commitPending(): void {
    while (this.pending.length > 0 && this.groupsInFlight < GROUPS_IN_FLIGHT) {
      let events = 0;
      let size = 0;
      while (size < this.pending.length && size < MAX_GROUP_APPENDS && (size === 0 || events + this.pending[size]!.eventIds.length <= MAX_GROUP_EVENTS)) {
        events += this.pending[size]!.eventIds.length;
        size += 1;
      }
      const group = this.pending.splice(0, size);
      this.groupsInFlight += 1;
      void this.commitGroup(group).finally(() => {
        this.groupsInFlight -= 1;
        this.commitPending();
        if (this.groupsInFlight === 0 && this.pending.length === 0) this.onIdle?.();
      });
    }
  }

  private async commitGroup(group: PendingAppend[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.appendBatch(group);
    } catch (error) {
      // One append's failure (a value the database refuses) must not fail the others: each goes
      // again alone. A lost database fails them all: each caller retries, as after any lost append.
      if (group.length === 1 || storeUnavailableFrom(error) !== undefined || this.closed) {
        for (const append of group) append.reject(error);
        return;
      }
      // In their order of arrival, as the group would have committed them.
      for (const append of group) await this.commitGroup([append]);
      return;
    }
    let appended = false;
    group.forEach((append, index) => {
      const outcome = outcomes[index]!;
      const { request } = append;
      switch (outcome.status) {
        case 'appended':
          appended = true;
          return append.resolve({
            nextExpectedVersion: Number(outcome.stream_version),
            firstGlobalPosition: Number(outcome.first_position),
            lastGlobalPosition: Number(outcome.last_position),
            eventIds: append.eventIds,
            replayed: false,
            recordedAt: append.recordedAt,
          });
        case 'replayed':
          return append.resolve({ ...outcome.previous_result!, replayed: true });
        case 'key_reused':
          return append.reject(new IdempotencyKeyReusedError(request.tenantId, request.idempotencyKey!));
        case 'conflict':
          return append.reject(new WrongExpectedVersionError(request.tenantId, request.streamId, request.expectedVersion, Number(outcome.stream_version)));
      }
    });
    if (appended) this.announceAppend();
  }

  /** One round trip: see ll_append_batch in postgres.schema.ts. Rows come back in the group's order. */
  private async appendBatch(group: PendingAppend[]): Promise<AppendOutcome[]> {
    const events = group.flatMap(({ request }) => request.events);
    const { rows } = await this.pool.query<AppendOutcome>({
      name: 'll_append_batch',
      text: `SELECT status, stream_version, first_position, last_position, previous_result
        FROM ll_append_batch($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10, $11, $12) ORDER BY ord`,
      values: [
        group.map(({ request }) => request.tenantId),
        group.map(({ request }) => request.streamId),
        group.map(({ request: { expectedVersion } }) => (expectedVersion === 'any' ? null : expectedVersion === 'no-stream' ? 0 : expectedVersion)),
        group.map(({ request }) => request.events.length),
        group.map(({ request }) => request.idempotencyKey ?? null),
        group.map(({ request }) => request.requestHash ?? null),
        group.map(({ recordedAt }) => recordedAt),
        group.flatMap(({ eventIds }) => eventIds),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => e.dataJson),
        events.map((e) => e.metadataJson),
      ],
    });
    if (rows.length !== group.length) throw new Error(`ll_append_batch answered ${rows.length} rows for ${group.length} appends`);
    return rows;
  }

  async readStream(tenantId: TenantId, streamId: StreamId, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertTenantId(tenantId);
    assertStreamId(streamId);
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    assertPosition(limit, 'limit', 1);
    if (options.fromVersion !== undefined) assertPosition(options.fromVersion, 'fromVersion');
    const backward = options.direction === 'backward';
    const { rows } = await this.pool.query<EventRow>({
      name: 'll_read_stream',
      text: `SELECT ${EVENT_COLUMNS} FROM ll_read_stream($1, $2, $3, $4, $5)`,
      values: [tenantId, streamId, options.fromVersion ?? (backward ? Number.MAX_SAFE_INTEGER : 1), limit, backward],
    });
    return rows.map(toRecordedEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent[]> {
    this.assertOpen();
    let after = options.after ?? 0;
    const batchSize = options.batchSize ?? 500;
    assertPosition(after, 'after');
    assertPosition(batchSize, 'batchSize', 1);
    const tenantId = options.tenantId;
    if (tenantId !== undefined) assertTenantId(tenantId);
    // A snapshot of the safe head keeps the iteration finite while writers go on appending.
    const head = tenantId === undefined && options.sinceLastWake ? await this.headSinceLastWake() : await this.headPosition(tenantId);
    if (tenantId === undefined && !options.withTombstones) {
      yield* this.readLiveLog(after, head, batchSize);
      return;
    }
    while (after < head) {
      const rows = tenantId === undefined
        ? await this.logPage(after, head, batchSize, { withTombstones: true })
        : (await this.pool.query<EventRow>({
            name: 'll_read_tenant',
            text: `SELECT ${EVENT_COLUMNS} FROM ll_read_tenant($1, $2, $3, $4, $5)`,
            values: [tenantId, after, head, batchSize, options.withTombstones === true],
          })).rows;
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1]!.global_position);
      yield rows.map(toRecordedEvent);
    }
  }

  /**
   * The whole log's live events, as every follower reads it: from the tail this process read last
   * when it holds them, else one query per page, shared with the followers asking for the same
   * page at once (rows shared; each caller gets its own events).
   */
  private async *readLiveLog(after: number, head: number, batchSize: number): AsyncGenerator<RecordedEvent[]> {
    while (after < head) {
      const page = this.tail.read(after, head, batchSize) ?? await this.readLivePage(after, head, batchSize);
      if (page.rows.length > 0) yield page.rows.map(toRecordedEvent);
      if (page.through <= after) return;
      after = page.through;
    }
  }

  private readLivePage(after: number, head: number, batchSize: number): Promise<TailPage<EventRow>> {
    return this.logPages.run(`${after}:${head}:${batchSize}`, async () => {
      const rows = await this.logPage(after, head, batchSize, { withTombstones: false });
      // Every live row up to `through` is in the page: the last row's position when the page is full, else the head.
      const through = rows.length === batchSize ? Number(rows[rows.length - 1]!.global_position) : head;
      this.tail.add(after, through, rows);
      return { rows, through };
    });
  }

  /** A page of the whole log after `after`, up to `head`. */
  private async logPage(after: number, head: number, batchSize: number, { withTombstones }: { withTombstones: boolean }): Promise<EventRow[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ll_events WHERE global_position > $1 AND global_position <= $2 ${withTombstones ? '' : `AND ${LIVE}`} ORDER BY global_position LIMIT $3`,
      [after, head, batchSize],
    );
    return rows;
  }

  /** As the owner (the tenant role may not update events), bound to the tenant by the predicate. */
  async archiveStreams(tenantId: TenantId, streamIds: readonly StreamId[], upTo: number): Promise<number> {
    this.assertOpen();
    assertTenantId(tenantId);
    streamIds.forEach((streamId) => assertStreamId(streamId));
    assertPosition(upTo, 'upTo');
    const { rowCount } = await this.pool.query(
      `UPDATE ll_events SET data = 'null'::json, metadata = '{}'::json, archived = true
       WHERE tenant_id = $1 AND stream_id = ANY($2::text[]) AND global_position <= $3 AND ${LIVE}`,
      [tenantId, streamIds, upTo],
    );
    this.tail.clear();
    return rowCount ?? 0;
  }

  async findIdempotencyKey(tenantId: TenantId, idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    this.assertOpen();
    assertTenantId(tenantId);
    assertIdempotencyKey(idempotencyKey);
    const { rows } = await this.pool.query<{ request_hash: string; result: AppendResult }>({
      name: 'll_find_idempotency_key',
      text: 'SELECT request_hash, result FROM ll_find_idempotency_key($1, $2)',
      values: [tenantId, idempotencyKey],
    });
    return rows[0] && { fingerprint: rows[0].request_hash, result: { ...rows[0].result, replayed: true } };
  }

  async headPosition(tenantId?: TenantId): Promise<number> {
    this.assertOpen();
    return tenantId === undefined ? this.globalHead.read() : this.tenantHead(tenantId, true);
  }

  /**
   * The safe head for a follower of the log (sinceLastWake): the one read since the last wake-up
   * if there is one, else a read begun since (joined if under way), else a new one.
   */
  private headSinceLastWake(): Promise<number> {
    if (this.lastHead?.wakes === this.wakes) return Promise.resolve(this.lastHead.value);
    if (this.headReadWakes === this.wakes) return this.globalHead.read({ joinRunning: true });
    return this.globalHead.read();
  }

  /** Wakes the followers of the log: an append committed here or elsewhere, a held-back re-check, the close. */
  private wake(): void {
    this.wakes += 1;
    this.notifier.notify();
  }

  private async queryGlobalHead(): Promise<number> {
    const wakes = this.wakes;
    this.headReadWakes = wakes;
    const { rows } = await this.pool.query<{ head: string | null; committed: string | null }>(
      `SELECT (SELECT max(global_position) FROM ll_events WHERE ${SAFE}) AS head, (SELECT max(global_position) FROM ll_events) AS committed`,
    );
    const head = Number(rows[0]!.head ?? 0);
    if (wakes >= (this.lastHead?.wakes ?? -1)) this.lastHead = { value: head, wakes };
    this.noteHeldBack(head, Number(rows[0]!.committed ?? 0));
    return head;
  }

  async committedPosition(tenantId?: TenantId): Promise<number> {
    this.assertOpen();
    if (tenantId === undefined) {
      const { rows } = await this.pool.query<{ head: string | null }>('SELECT max(global_position) AS head FROM ll_events');
      return Number(rows[0]!.head ?? 0);
    }
    return this.tenantHead(tenantId, false);
  }

  private async tenantHead(tenantId: TenantId, safe: boolean): Promise<number> {
    assertTenantId(tenantId);
    const { rows } = await this.pool.query<{ head: string }>({ name: 'll_tenant_head', text: 'SELECT ll_tenant_head($1, $2) AS head', values: [tenantId, safe] });
    return Number(rows[0]!.head);
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    // Armed before this returns, so a wake-up that comes while the caller reads (an append of this
    // process, a held-back re-check) is never lost, however long the listener takes to connect.
    const woken = this.notifier.wait(timeoutMs, signal);
    // Without a listener (the database is away) the wait is just the timeout; the next call listens again.
    this.listen().catch(() => undefined);
    return woken;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The appends already accepted go to the database before the pool ends (no new one is: append asserts open).
    if (this.groupsInFlight > 0 || this.pending.length > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    clearTimeout(this.recheck);
    this.wake();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /**
   * Events committed above the safe head wait for an older append still in flight. An append that
   * ends without announcing itself (rolled back, timed out, its process killed) sends no
   * notification, so the readers that stopped at the safe head (the relay, projectors, followers
   * of the log) would wait for the next append or their idle wait: they are woken again shortly,
   * as by an append, until the events are readable.
   */
  private noteHeldBack(safe: number, committed: number): void {
    if (committed <= safe) {
      this.heldBackSince = undefined;
      return;
    }
    const now = Date.now();
    this.heldBackSince ??= now;
    if (this.recheck || this.closed) return;
    const ms = Math.min(HELD_BACK_RECHECK_MS.max, Math.max(HELD_BACK_RECHECK_MS.first, (now - this.heldBackSince) / 4));
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      this.wake();
    }, ms);
    this.recheck.unref();
  }

  /**
   * Tells other processes, after commit, that the log moved: one NOTIFY at a time, the appends
   * that commit while it is on its way announced by the next. Not inside the append's transaction:
   * a transaction that notifies holds a database-wide lock through its commit, which would
   * serialise the commits of every process.
   */
  private announceAppend(): void {
    this.wake();
    this.notifyOwed = true;
    this.notifyOtherProcesses();
  }

  private notifyOtherProcesses(): void {
    if (this.notifyInFlight || this.closed || !this.notifyOwed) return;
    this.notifyInFlight = true;
    this.notifyOwed = false;
    this.pool.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.instanceId]).catch(() => undefined).finally(() => {
      this.notifyInFlight = false;
      this.notifyOtherProcesses();
    });
  }

  private async listen(): Promise<void> {
    if (this.listener || this.closed) return;
    const listener = new pg.Client({ connectionString: this.connectionString });
    this.listener = listener;
    // Its own NOTIFY comes back to it: this process woke its readers at commit already (announceAppend).
    listener.on('notification', (message) => {
      if (message.payload !== this.instanceId) this.wake();
    });
    listener.on('error', () => {
      // Readers fall back to their idle wait; the next waitForAppend opens a new listener.
      if (this.listener === listener) this.listener = undefined;
      listener.end().catch(() => undefined);
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      if (this.listener === listener) this.listener = undefined;
      await listener.end().catch(() => undefined);
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    globalPosition: Number(row.global_position),
    tenantId: row.tenant_id,
    tenantPosition: Number(row.tenant_position),
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    hash: row.hash,
    ...(row.archived && { archived: true as const }),
  };
}
