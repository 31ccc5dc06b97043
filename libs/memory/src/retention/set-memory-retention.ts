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
  remembered.get(store)?.delete(metadata.tenantId);
  return { tenantId: metadata.tenantId, days: state.days, changed: append !== undefined };
}

/** The tenant's memory retention in days (null: kept for ever), read from its stream in the log (cached state + tail). */
export async function readMemoryRetention(store: EventStore, tenantId: string): Promise<number | null> {
  return (await loadStream(store, tenantId, MEMORY_RETENTION_STREAM, memoryRetentionDecider)).state.days;
}

/**
 * How long a put trusts the retention it last read for its tenant (a put only asks whether there is
 * one: under a retention an unchanged value still renews its item). A change on this instance is seen
 * at once; one made by another process (the CLI, another platform) within this bound.
 */
export const RETENTION_CACHE_TTL_MS = 1_000;
/** At most this many tenants' retentions are remembered per store; the oldest read goes first. */
const MAX_REMEMBERED_TENANTS = 10_000;
const remembered = new WeakMap<EventStore, Map<string, { days: number | null; until: number }>>();

/** readMemoryRetention, remembered per tenant for RETENTION_CACHE_TTL_MS: the read every memory_put makes. */
export async function recentMemoryRetention(store: EventStore, tenantId: string): Promise<number | null> {
  let tenants = remembered.get(store);
  if (!tenants) remembered.set(store, (tenants = new Map()));
  const now = Date.now();
  const known = tenants.get(tenantId);
  if (known && known.until > now) return known.days;
  const days = await readMemoryRetention(store, tenantId);
  tenants.delete(tenantId);
  if (tenants.size >= MAX_REMEMBERED_TENANTS) tenants.delete(tenants.keys().next().value!);
  tenants.set(tenantId, { days, until: now + RETENTION_CACHE_TTL_MS });
  return days;
}
