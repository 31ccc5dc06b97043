import type { RecordedEvent } from '#event-store';

/** Every event of the global log, once (or more: at-least-once) per publish. */
export const EVENTS_TOPIC = 'ledgerline.events';
export const DEFAULT_EVENTS_PARTITIONS = 12;

/**
 * The message key: the event's stream. Kafka keeps one key's messages in one partition, in order,
 * so a run's events reach its saga in order, while different runs and tenants spread over all
 * partitions. Tenant ids cannot contain '/', so the key splits back unambiguously.
 */
export function eventKey(event: Pick<RecordedEvent, 'tenantId' | 'streamId'>): string {
  return `${event.tenantId}/${event.streamId}`;
}

/**
 * The topic that feeds the projections: the same events keyed by tenant (viewKeyOf), so that a
 * view sees each tenant's events in the order of the log across all its streams, and marks from
 * the relay that tell each partition how far the log was published (so a partition with no new
 * events still moves on). Partitioned like the events topic.
 */
export function viewsTopicOf(eventsTopic: string): string {
  return `${eventsTopic}.by-tenant`;
}
