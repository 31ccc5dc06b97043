import type { ValidatedAppend } from './append-request.js';
import { WrongExpectedVersionError } from './event-store.errors.js';
import type { AppendResult, ExpectedVersion, RecordedEvent } from './event-store.port.js';
import { chainHash } from './hash-chain.js';

export interface TenantHead {
  position: number;
  hash: string;
}

export interface AppendPlan {
  events: RecordedEvent[];
  tenantHead: TenantHead;
  streamVersion: number;
  result: AppendResult;
}

export interface AppendContext {
  tenantHead: TenantHead;
  streamVersion: number;
  /** Global positions reserved for this append, one per event, ascending. */
  globalPositions: readonly number[];
  recordedAt: string;
  newEventId: () => string;
}

export function expectationHolds(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 0;
  return expected === actual;
}

/**
 * Turns a validated append into envelopes, extending the stream and the tenant's hash chain.
 * Pure: adapters supply the heads, positions, clock and ids, read under their own locks.
 * Throws WrongExpectedVersionError, and the adapter then writes nothing.
 */
export function planAppend(request: ValidatedAppend, context: AppendContext): AppendPlan {
  if (!expectationHolds(request.expectedVersion, context.streamVersion)) {
    throw new WrongExpectedVersionError(request.tenantId, request.streamId, request.expectedVersion, context.streamVersion);
  }
  let { position: tenantPosition, hash } = context.tenantHead;
  let streamVersion = context.streamVersion;
  const events = request.events.map((event, index): RecordedEvent => {
    tenantPosition += 1;
    streamVersion += 1;
    const envelope = {
      tenantId: request.tenantId,
      tenantPosition,
      streamId: request.streamId,
      streamVersion,
      eventId: context.newEventId(),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt: context.recordedAt,
    };
    hash = chainHash(hash, envelope, event.dataJson, event.metadataJson);
    return { ...envelope, globalPosition: context.globalPositions[index]!, hash };
  });
  return {
    events,
    tenantHead: { position: tenantPosition, hash },
    streamVersion,
    result: {
      nextExpectedVersion: streamVersion,
      firstGlobalPosition: events[0]!.globalPosition,
      lastGlobalPosition: events[events.length - 1]!.globalPosition,
      eventIds: events.map((event) => event.eventId),
      replayed: false,
      recordedAt: context.recordedAt,
    },
  };
}
