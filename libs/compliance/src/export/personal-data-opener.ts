import type { JsonValue } from '#core';
import type { RecordedEvent } from '#event-store';
import type { PersonalDataVault } from '#keys';
import type { EventDataOpener } from './event-data-opener.port.js';

/**
 * Exports give the tenant its personal data readable: each sealed value of an event is opened
 * (or shown as ERASED once a purge destroyed its key) in the line's `opened`, beside the stored
 * event that the chain covers. Events without sealed values get no `opened`.
 */
export class PersonalDataOpener implements EventDataOpener {
  constructor(private readonly personalData: PersonalDataVault) {}

  open(event: RecordedEvent): Promise<JsonValue | undefined> {
    return this.personalData.openAll(event.tenantId, event.data, event.streamId);
  }
}
