import type { RecordedEvent } from '#event-store';
import { runRetryTopics } from './kafka/run-retry-topics.js';

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

/** A consumer group of the workers and the topics it reads. */
export interface ConsumerGroupTopics {
  groupId: string;
  topics: string[];
}

/**
 * The consumer groups the workers form on an events topic (one set per topic: deployments
 * sharing a cluster keep apart by topic): the sagas on the events topic, the projections on the
 * views topic, and the run retries on the retry topics and the redrive topic.
 */
export function consumerGroupsOf(eventsTopic: string, runRetryDelaysMs?: readonly number[]): Record<'sagas' | 'projections' | 'retries', ConsumerGroupTopics> {
  const viewsTopic = viewsTopicOf(eventsTopic);
  const retryTopics = runRetryTopics(eventsTopic, runRetryDelaysMs);
  return {
    sagas: { groupId: `${eventsTopic}.sagas`, topics: [eventsTopic] },
    projections: { groupId: `${viewsTopic}.projections`, topics: [viewsTopic] },
    retries: { groupId: `${eventsTopic}.retries`, topics: [...retryTopics.retries.map((retry) => retry.topic), retryTopics.redrives] },
  };
}
