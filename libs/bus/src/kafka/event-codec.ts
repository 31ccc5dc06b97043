import type { RecordedEvent } from '#event-store';
import { viewKeyOf } from '#projections';
import { eventKey } from '../topology.js';

const MARK_HEADER = 'ledgerline-mark';

/** A message of the bus: an event, or the relay's mark that the log was published up to `position`. */
export interface BusMessage {
  position: number;
  event?: RecordedEvent;
}

/** The Kafka message of an event: the whole envelope as JSON, keyed by its stream, its id in a header for cheap de-duplication. */
export function encodeEvent(event: RecordedEvent): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: eventKey(event),
    value: JSON.stringify(event),
    headers: { 'ledgerline-event-id': event.eventId, 'ledgerline-tenant': event.tenantId, 'ledgerline-position': String(event.globalPosition) },
  };
}

/** The same message keyed by the event's tenant, for the topic that feeds the projections. */
export function encodeViewEvent(event: RecordedEvent): { key: string; value: string; headers: Record<string, string> } {
  return { ...encodeEvent(event), key: viewKeyOf(event.tenantId) };
}

/** The relay's mark for one partition: every event up to `position` that goes there was published before it. */
export function encodeMark(partition: number, position: number): { partition: number; key: null; value: null; headers: Record<string, string> } {
  return { partition, key: null, value: null, headers: { [MARK_HEADER]: String(position) } };
}

export function decodeMessage(message: { value: Buffer | null; headers?: Record<string, unknown> }): BusMessage {
  const mark = message.headers?.[MARK_HEADER];
  if (mark !== undefined) {
    const position = Number(String(mark));
    if (!Number.isSafeInteger(position) || position < 0) throw new Error('a mark of the views topic without a position');
    return { position };
  }
  const event = decodeEvent(message.value);
  return { position: event.globalPosition, event };
}

export function decodeEvent(value: Buffer | null): RecordedEvent {
  if (value === null) throw new Error('a message of the events topic without a value');
  const event = JSON.parse(value.toString('utf8')) as Partial<RecordedEvent> | null;
  if (typeof event !== 'object' || event === null || typeof event.eventId !== 'string' || typeof event.tenantId !== 'string' || typeof event.streamId !== 'string' || typeof event.globalPosition !== 'number') {
    throw new Error('a message of the events topic that is not a recorded event');
  }
  return event as RecordedEvent;
}
