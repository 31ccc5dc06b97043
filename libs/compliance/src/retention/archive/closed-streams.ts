import { GENESIS_HASH, type EventStore, type RecordedEvent, type StreamId, type TenantId } from '#event-store';

/**
 * A kind of stream that is closed for good once its last event is one of `finalTypes`: its
 * aggregate is finished and nothing is ever appended to it again (a finished run, a completed
 * export). Only such streams are archived, whole: a live stream (a connector, an automation, a
 * memory namespace) folds its whole history and keeps every event.
 */
export interface ClosedStreamRule {
  prefix: string;
  finalTypes: ReadonlySet<string>;
}

export interface StreamSummary {
  streamId: StreamId;
  lastType: string;
  lastRecordedAt: string;
  events: number;
  firstTenantPosition: number;
  firstGlobalPosition: number;
  lastTenantPosition: number;
  lastGlobalPosition: number;
  /** The tenant's chain before the stream's first event: where an archive starting with it starts. */
  previousHash: string;
  previousGlobalPosition: number;
  /** Every event of the stream is a tombstone already. */
  archived: boolean;
}

/** One pass over the tenant's log up to `head` (tombstones included): every stream's summary. */
export async function summariseStreams(store: EventStore, tenantId: TenantId, head: number): Promise<Map<StreamId, StreamSummary>> {
  const streams = new Map<StreamId, StreamSummary>();
  let previousHash = GENESIS_HASH;
  let previousGlobalPosition = 0;
  scan: for await (const batch of store.readAll({ tenantId, withTombstones: true, batchSize: 1000 })) {
    for (const event of batch) {
      if (event.globalPosition > head) break scan;
      const summary = streams.get(event.streamId) ?? newSummary(event, previousHash, previousGlobalPosition);
      summary.lastType = event.type;
      summary.lastRecordedAt = event.recordedAt;
      summary.events++;
      summary.lastTenantPosition = event.tenantPosition;
      summary.lastGlobalPosition = event.globalPosition;
      summary.archived &&= event.archived === true;
      streams.set(event.streamId, summary);
      previousHash = event.hash;
      previousGlobalPosition = event.globalPosition;
    }
  }
  return streams;
}

/** The streams that are closed (by a rule), not archived yet, and whose last event was recorded before `cutoff`; in log order. */
export function closedStreamsBefore(streams: Iterable<StreamSummary>, rules: readonly ClosedStreamRule[], cutoff: Date): StreamSummary[] {
  const before = cutoff.getTime();
  return [...streams].filter((stream) =>
    !stream.archived &&
    Date.parse(stream.lastRecordedAt) < before &&
    rules.some((rule) => stream.streamId.startsWith(rule.prefix) && rule.finalTypes.has(stream.lastType)),
  );
}

function newSummary(event: RecordedEvent, previousHash: string, previousGlobalPosition: number): StreamSummary {
  return {
    streamId: event.streamId, lastType: event.type, lastRecordedAt: event.recordedAt, events: 0,
    firstTenantPosition: event.tenantPosition, firstGlobalPosition: event.globalPosition, lastTenantPosition: event.tenantPosition, lastGlobalPosition: event.globalPosition,
    previousHash, previousGlobalPosition, archived: true,
  };
}
