import { DomainError } from '#core';
import { traceparentOf } from '#observability';
import { appendDuration, inSpan, timed } from '#observability/nest';
import type { AppendOptions, AppendResult, CheckpointStore, EventStore, ExpectedVersion, IdempotencyRecord, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, StreamId, TenantId } from './event-store.port.js';

/**
 * The platform's event store with its appends timed into ledgerline_event_append_duration_seconds
 * (outcome ok, or the error kind) and traced: each append is a span, and the events record its
 * `traceparent` in their metadata, so whatever they cause later (saga steps, in this process or a
 * worker reading the log) continues the same trace.
 */
export class MeteredEventStore implements EventStore {
  constructor(private readonly inner: EventStore) {}

  get checkpoints(): CheckpointStore {
    return this.inner.checkpoints;
  }

  append(tenantId: TenantId, streamId: StreamId, expectedVersion: ExpectedVersion, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const outcomeOf = (error: unknown): string => (error instanceof DomainError ? error.kind : 'error');
    return inSpan('event.append', { attributes: { 'ledgerline.tenant.id': tenantId, 'ledgerline.event.count': events.length } }, () => {
      const traced = withTraceparent(events, traceparentOf());
      return timed(appendDuration, {}, () => this.inner.append(tenantId, streamId, expectedVersion, traced, options), outcomeOf);
    }, outcomeOf);
  }

  readStream(tenantId: TenantId, streamId: StreamId, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(tenantId, streamId, options);
  }

  readAll(options?: ReadAllOptions): AsyncGenerator<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  archiveStreams(tenantId: TenantId, streamIds: readonly StreamId[], upTo: number): Promise<number> {
    return this.inner.archiveStreams(tenantId, streamIds, upTo);
  }

  findIdempotencyKey(tenantId: TenantId, idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    return this.inner.findIdempotencyKey(tenantId, idempotencyKey);
  }

  headPosition(tenantId?: TenantId): Promise<number> {
    return this.inner.headPosition(tenantId);
  }

  committedPosition(tenantId?: TenantId): Promise<number> {
    return this.inner.committedPosition(tenantId);
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.inner.waitForAppend(timeoutMs, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The events with the appending span's traceparent in their metadata (unless they name their own cause). */
function withTraceparent(events: NewEvent[], traceparent: string | undefined): NewEvent[] {
  if (traceparent === undefined) return events;
  return events.map((event) => (event.metadata?.traceparent !== undefined ? event : { ...event, metadata: { ...event.metadata, traceparent } }));
}
