import type { CommandMetadata } from '#core';
import { handleCommand, loadStream, type EventStore } from '#event-store';
import { MEMORY_RETENTION_STREAM, memoryRetentionDecider, parseRetentionDays } from './memory-retention.js';

export interface MemoryRetention {
  tenantId: string;
  days: number | null;
  changed: boolean;
}

/** Sets the caller's tenant's memory retention (the tenant from the metadata, never from arguments). */
export async function setMemoryRetention(store: EventStore, metadata: CommandMetadata, days: unknown): Promise<MemoryRetention> {
  const parsed = parseRetentionDays(days);
  const { append, state } = await handleCommand(store, metadata, MEMORY_RETENTION_STREAM, memoryRetentionDecider, { days: parsed }, { days: parsed });
  return { tenantId: metadata.tenantId, days: state.days, changed: append !== undefined };
}

/** The tenant's memory retention in days (null: kept for ever), read from its stream in the log (cached state + tail). */
export async function readMemoryRetention(store: EventStore, tenantId: string): Promise<number | null> {
  return (await loadStream(store, tenantId, MEMORY_RETENTION_STREAM, memoryRetentionDecider)).state.days;
}
