import type { JsonValue } from '#core';
import type { RecordedEvent } from '#event-store';

/**
 * Gives an export line a readable form of an event's data: decrypted personal data, or a
 * redaction marker once its key was destroyed. The stored event is exported unchanged beside it,
 * so the chain still verifies; undefined adds nothing to the line.
 */
export interface EventDataOpener {
  open(event: RecordedEvent): Promise<JsonValue | undefined>;
}

export const EVENT_DATA_OPENER = Symbol('EVENT_DATA_OPENER');

/** The default: events carry no sealed data to open. */
export const storedDataOnly: EventDataOpener = {
  open: async () => undefined,
};
