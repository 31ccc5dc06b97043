import type { JsonObject, JsonValue } from '#core';

/** A tenant's id, taken from the verified token at the edge and never from tool arguments. */
export type TenantId = string;
/** A stream's id, unique within its tenant; it names its aggregate: `run-<uuid>`, `memory-<user>`. */
export type StreamId = string;

/**
 * What the writer believes about the stream before appending: its exact current version (0 for a
 * stream without events), that it has no events yet, or nothing at all.
 */
export type ExpectedVersion = number | 'no-stream' | 'any';

/** Who and what caused an event: filled at the edge from the Principal and the command. */
export interface EventMetadata {
  userId?: string;
  clientId?: string;
  /** The grant (delegation) of the token the command came with. */
  grantId?: string;
  scopes?: string[];
  tool?: string;
  correlationId?: string;
  causationId?: string;
  idempotencyKey?: string;
  traceId?: string;
  /** W3C trace context of the span that appended the event: what it causes later joins that trace. */
  traceparent?: string;
  [key: string]: JsonValue | undefined;
}

export interface NewEvent<Data extends JsonValue = JsonValue> {
  type: string;
  data: Data;
  metadata?: EventMetadata;
  /** Version of the event type's schema; readers upcast older ones. Defaults to 1. */
  schemaVersion?: number;
}

/** The envelope of a stored event; see docs/architecture.md, "Event model". */
export interface RecordedEvent<Data extends JsonValue = JsonValue> {
  globalPosition: number;
  tenantId: TenantId;
  tenantPosition: number;
  streamId: StreamId;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: JsonObject;
  /** ISO-8601 UTC with milliseconds. */
  recordedAt: string;
  /** Hex SHA-256 of the previous hash and this envelope's canonical form: the tenant's hash chain. */
  hash: string;
  /**
   * Set on a tombstone only (read with `withTombstones`): the event left the live store with its
   * stream's archive; data is null, metadata empty, and the hash is kept as it was, so the chain
   * goes on from it.
   */
  archived?: true;
}

export interface AppendOptions {
  /**
   * Makes the append idempotent within the tenant: a key already accepted returns the first
   * result and appends nothing; the same key with a different stream or events is refused.
   */
  idempotencyKey?: string;
  /**
   * What the key promises, when the caller knows better than the events: a command handler
   * passes a hash of the command's arguments, so a retried command matches its first run even if
   * the events it would decide now differ. Defaults to a hash of the stream and the events.
   */
  fingerprint?: string;
}

/** An accepted idempotency key: what it promised and what the append returned. */
export interface IdempotencyRecord {
  fingerprint: string;
  result: AppendResult;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  firstGlobalPosition: number;
  lastGlobalPosition: number;
  eventIds: string[];
  /** True when the idempotency key had already been accepted and nothing was appended now. */
  replayed: boolean;
  /** The appended events' recordedAt, on an append made now; a replayed answer has none. */
  recordedAt?: string;
}

export interface ReadStreamOptions {
  direction?: 'forward' | 'backward';
  /** Inclusive. Forward reads default to 1, backward reads to the stream's end. */
  fromVersion?: number;
  limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with a global position greater than this. Defaults to 0, the start. */
  after?: number;
  /** Restricts the read to one tenant's events. */
  tenantId?: TenantId;
  batchSize?: number;
  /**
   * Also yields the tombstones of archived events (see RecordedEvent.archived), for chain
   * verification and exports. Every other reader (projectors, relays, sagas) leaves it unset.
   */
  withTombstones?: boolean;
  /**
   * The caller follows the log: it reads again after every wake-up of waitForAppend. Then the end
   * of the read may be the head the store read since the last wake-up, rather than one read after
   * this call (a store with remote readers skips the query when nothing woke it since). Callers
   * that learn of appends any other way (a message, a response) leave it unset.
   */
  sinceLastWake?: boolean;
}

/**
 * The port every adapter implements. All reads and writes take the tenant explicitly; only
 * `readAll` without a tenant crosses tenants, and it is meant for system processes (projectors,
 * relays), never for a request on behalf of a user.
 */
export interface EventStore {
  append(tenantId: TenantId, streamId: StreamId, expectedVersion: ExpectedVersion, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(tenantId: TenantId, streamId: StreamId, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Reads the global log in order from a position, in batches, up to the position that is safe to
   * read now: no event below a yielded one can commit later.
   */
  readAll(options?: ReadAllOptions): AsyncGenerator<RecordedEvent[]>;
  /** The record of an accepted idempotency key of the tenant, if any. */
  findIdempotencyKey(tenantId: TenantId, idempotencyKey: string): Promise<IdempotencyRecord | undefined>;
  /** The highest global position readers may safely read up to now. */
  headPosition(tenantId?: TenantId): Promise<number>;
  /**
   * The highest global position of an event committed now. It can be above headPosition while
   * older transactions are still open (PostgreSQL; any transaction of the cluster holds the safe
   * head back, a view rebuild's too); readers reach it once they end. Read-your-writes waits for
   * this one: a write acknowledged before a read began is always in what the read waits for.
   */
  committedPosition(tenantId?: TenantId): Promise<number>;
  /**
   * Replaces the events of whole streams of the tenant, at or below global position `upTo`, by
   * tombstones: position, tenant position, stream, version, type, time and hash stay, data and
   * metadata go. Positions stay contiguous and the tenant's chain still verifies; reads skip
   * them. Only for closed streams that were written to an archive first (libs/compliance
   * retention). Returns how many events it tombstoned now (0 when done before: idempotent).
   * The caller appends its record of the archive first, so the head of the log (global or the
   * tenant's) is never a tombstone and a reader waiting for a head position always reaches it.
   */
  archiveStreams(tenantId: TenantId, streamIds: readonly StreamId[], upTo: number): Promise<number>;
  /** Resolves when something may have been appended since the call, or after `timeoutMs`. */
  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  readonly checkpoints: CheckpointStore;
  close(): Promise<void>;
}

/** Durable positions of subscriptions, kept in the same database as the events. */
export interface CheckpointStore {
  load(subscriptionId: string): Promise<number | undefined>;
  save(subscriptionId: string, position: number): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
