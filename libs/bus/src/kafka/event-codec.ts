import type { RecordedEvent } from '#event-store';
import { eventKey } from '../topology.js';

/** The Kafka message of an event: the whole envelope as JSON, keyed by its stream, its id in a header for cheap de-duplication. */
export function encodeEvent(event: RecordedEvent): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: eventKey(event),
    value: JSON.stringify(event),
    headers: { 'ledgerline-event-id': event.eventId, 'ledgerline-tenant': event.tenantId, 'ledgerline-position': String(event.globalPosition) },
  };
}

export function decodeEvent(value: Buffer | null): RecordedEvent {
  if (value === null) throw new Error('a message of the events topic without a value');
  const event = JSON.parse(value.toString('utf8')) as Partial<RecordedEvent> | null;
  if (typeof event !== 'object' || event === null || typeof event.eventId !== 'string' || typeof event.tenantId !== 'string' || typeof event.streamId !== 'string' || typeof event.globalPosition !== 'number') {
    throw new Error('a message of the events topic that is not a recorded event');
  }
  return event as RecordedEvent;
}
