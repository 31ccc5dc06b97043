import type { ComponentChildren, VNode } from 'preact';
import { ApiError, type ConsoleApi } from '../../api/console-api.js';
import { Inset } from '../../pages/components.js';

/** A Kafka-backed read: the answer, or the broker not answering (503 operations.kafka.unavailable). */
export type KafkaRead<T> = { kind: 'answer'; answer: T } | { kind: 'unavailable'; message: string };

export async function readKafka<T>(api: ConsoleApi, path: string): Promise<KafkaRead<T>> {
  try {
    return { kind: 'answer', answer: await api.get<T>(path) };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'operations.kafka.unavailable') return { kind: 'unavailable', message: error.message };
    throw error;
  }
}

/** An installation without KAFKA_BROKERS: a true answer, not a fault. */
export function NoKafka({ children }: { children: ComponentChildren }): VNode {
  return (
    <Inset>
      <p class="ll-strong">This platform runs without Kafka.</p>
      <p>{children}</p>
    </Inset>
  );
}

/** The broker did not answer within a few seconds: the page says so and keeps asking. */
export function KafkaUnavailable({ message }: { message: string }): VNode {
  return (
    <div class="ll-panel-bad" role="alert">
      <h2>Kafka does not answer</h2>
      <p>The platform could not reach its Kafka brokers within a few seconds, so nothing here can be shown or done now. Try again in a moment.</p>
      <p class="ll-muted ll-small">{message}</p>
    </div>
  );
}
