import type { CommandMetadata } from '#core';
import { handleCommand, loadStream, type EventStore } from '#event-store';
import { EVENT_RETENTION_STREAM, eventRetentionDecider, parseEventRetentionDays } from './event-retention.js';

export interface EventRetention {
  tenantId: string;
  days: number | null;
  changed: boolean;
}

/** Sets the caller's tenant's event retention (the tenant from the metadata, never from arguments); bad input appends nothing. */
export async function setEventRetention(store: EventStore, metadata: CommandMetadata, days: unknown): Promise<EventRetention> {
  const parsed = parseEventRetentionDays(days);
  const { append, state } = await handleCommand(store, metadata, EVENT_RETENTION_STREAM, eventRetentionDecider, { days: parsed }, { days: parsed });
  return { tenantId: metadata.tenantId, days: state.days, changed: append !== undefined };
}

/** The tenant's event retention in days (null: every event is kept), from its stream in the log. */
export async function readEventRetention(store: EventStore, tenantId: string): Promise<number | null> {
  return (await loadStream(store, tenantId, EVENT_RETENTION_STREAM, eventRetentionDecider)).state.days;
}
