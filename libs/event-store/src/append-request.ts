import { createHash } from 'node:crypto';
import { assertJsonValue, type JsonObject, type JsonValue } from '#core';
import { EventTooLargeError, InvalidAppendError } from './event-store.errors.js';
import { canonicalJson } from './hash-chain.js';
import type { AppendOptions, ExpectedVersion, NewEvent, StreamId, TenantId } from './event-store.port.js';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@|+=-]{0,199}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** An append that passed validation: serialised once, so adapters store exactly what was measured. */
export interface ValidatedAppend {
  tenantId: TenantId;
  streamId: StreamId;
  expectedVersion: ExpectedVersion;
  events: ValidatedEvent[];
  idempotencyKey: string | undefined;
  /** With an idempotency key: what it promises, the caller's fingerprint or a hash of the stream and the events. */
  requestHash: string | undefined;
}

export interface ValidatedEvent {
  type: string;
  schemaVersion: number;
  data: JsonValue;
  metadata: JsonObject;
  /** Canonical (RFC 8785) JSON of data and metadata: what is stored and what is hashed. */
  dataJson: string;
  metadataJson: string;
}

export function assertTenantId(tenantId: unknown): asserts tenantId is TenantId {
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
    throw new InvalidAppendError('store.invalid_tenant_id', `invalid tenant id ${describe(tenantId)}: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit`);
  }
}

export function assertStreamId(streamId: unknown): asserts streamId is StreamId {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidAppendError('store.invalid_stream_id', `invalid stream id ${describe(streamId)}: 1-200 of A-Z a-z 0-9 . _ : @ | + = -, starting with a letter or digit`);
  }
}

export function assertIdempotencyKey(idempotencyKey: unknown): asserts idempotencyKey is string {
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new InvalidAppendError('append.invalid_idempotency_key', 'idempotency key must be 1-200 printable ASCII characters without spaces');
  }
}

export function assertPosition(value: unknown, name: string, minimum = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidAppendError('store.invalid_position', `${name} must be an integer >= ${minimum}, got ${describe(value)}`, { name });
  }
}

/** Validates everything about an append before any adapter touches its database. */
export function validateAppend(
  tenantId: unknown,
  streamId: unknown,
  expectedVersion: unknown,
  events: unknown,
  options: AppendOptions | undefined,
  maxEventBytes: number,
): ValidatedAppend {
  assertTenantId(tenantId);
  assertStreamId(streamId);
  if (expectedVersion !== 'no-stream' && expectedVersion !== 'any') assertPosition(expectedVersion, 'expected version');
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError('append.invalid_events', `events must be an array of 1 to ${MAX_EVENTS_PER_APPEND} events`);
  }
  const idempotencyKey = options?.idempotencyKey;
  if (idempotencyKey !== undefined) assertIdempotencyKey(idempotencyKey);
  const validated = events.map((event: unknown, index) => validateEvent(event, index, maxEventBytes));
  const fingerprint = options?.fingerprint;
  if (fingerprint !== undefined && (typeof fingerprint !== 'string' || !IDEMPOTENCY_KEY.test(fingerprint))) {
    throw new InvalidAppendError('append.invalid_fingerprint', 'fingerprint must be 1-200 printable ASCII characters without spaces');
  }
  const requestHash = idempotencyKey === undefined
    ? undefined
    : fingerprint ?? createHash('sha256').update(canonicalJson({ streamId, events: validated.map(({ type, schemaVersion, data }) => ({ type, schemaVersion, data })) })).digest('hex');
  return { tenantId, streamId, expectedVersion: expectedVersion as ExpectedVersion, events: validated, idempotencyKey, requestHash };
}

function validateEvent(event: unknown, index: number, maxEventBytes: number): ValidatedEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidAppendError('append.invalid_event', `event ${index} is not an object`, { index });
  const { type, data, metadata = {}, schemaVersion = 1 } = event as NewEvent;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
    throw new InvalidAppendError('append.invalid_event_type', `event ${index} has an invalid type ${describe(type)}`, { index });
  }
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidAppendError('append.invalid_schema_version', `event ${index} schema version must be an integer >= 1`, { index });
  }
  assertJsonValue(data, `events[${index}].data`, 'append.data_not_json');
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new InvalidAppendError('append.metadata_not_json', `event ${index} metadata must be an object`, { index });
  }
  const cleanMetadata = Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
  assertJsonValue(cleanMetadata, `events[${index}].metadata`, 'append.metadata_not_json');
  const dataJson = canonicalJson(data);
  const metadataJson = canonicalJson(cleanMetadata as JsonObject);
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > maxEventBytes) throw new EventTooLargeError(index, bytes, maxEventBytes);
  return { type, schemaVersion, data, metadata: cleanMetadata as JsonObject, dataJson, metadataJson };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return typeof value === 'number' ? String(value) : typeof value;
}
