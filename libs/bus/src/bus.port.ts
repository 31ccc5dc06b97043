import type { RecordedEvent } from '#event-store';

/**
 * The bus between the global log and the processes that react to it (sagas, projectors) when
 * they run in other processes. It carries recorded events as they are; it is at-least-once, so
 * every consumer must tolerate a redelivery (the same event id again).
 */
export interface EventPublisher {
  /** Publishes the events in order; resolves when the bus has them durably (all replicas). */
  publish(events: readonly RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
