import { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { kafkaClient } from './kafka-client.js';
import type { RecordedEvent } from '#event-store';
import { EVENTS_TOPIC } from '../topology.js';
import { decodeMessage, type BusMessage } from './event-codec.js';
import type { KafkaSettings } from './kafka-settings.js';

export interface ConsumerHandlers {
  /**
   * A partition's events in order, and the highest position the batch carried (its events' or a
   * relay's mark, which may come alone); an error makes Kafka deliver the batch again (at-least-once).
   */
  handle(events: RecordedEvent[], partition: number, upTo: number): Promise<void>;
  /** The partitions this member owns after each rebalance. */
  assigned?(partitions: number[]): void;
}

/**
 * A member of a consumer group on the events topic. Offsets are committed after a batch was
 * handled, so a crash redelivers (never skips); handlers must be idempotent, and a recent-id
 * filter drops the duplicates a relay restart or a redelivery brings.
 */
export class KafkaEventConsumer {
  private readonly seen = new Set<string>();
  private stopped: Promise<void> | undefined;
  private readonly logger = new Logger(KafkaEventConsumer.name);

  private constructor(private readonly consumer: Consumer) {}

  /** `topic`: the events topic unless given (the views topic for the projections). */
  static async start(settings: KafkaSettings, groupId: string, handlers: ConsumerHandlers, topic = settings.eventsTopic ?? EVENTS_TOPIC): Promise<KafkaEventConsumer> {
    const kafka = kafkaClient(settings);
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 } });
    const member = new KafkaEventConsumer(consumer);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => handlers.assigned?.([...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b)));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, heartbeat }) => {
        const messages = batch.messages.flatMap((message) => member.decode(message, batch.partition));
        const fresh = messages.flatMap(({ event }) => (event && !member.seen.has(event.eventId) ? [event] : []));
        const upTo = messages.reduce((highest, message) => Math.max(highest, message.position), 0);
        if (messages.length > 0) await handlers.handle(fresh, batch.partition, upTo);
        // Remembered only once handled: a batch whose handler failed comes again, and is handled then.
        for (const event of fresh) member.remember(event.eventId);
        await heartbeat();
      },
    });
    return member;
  }

  /** Leaves the group; once, however often it is called (a draining worker stops its intake before its modules stop). */
  stop(): Promise<void> {
    return (this.stopped ??= this.consumer.disconnect());
  }

  /**
   * A message that is not an event of ours (written by something else) is logged and passed
   * over: retrying it could never succeed, and it would hold up its whole partition.
   */
  private decode(message: { value: Buffer | null; headers?: Record<string, unknown>; offset: string }, partition: number): BusMessage[] {
    try {
      return [decodeMessage(message)];
    } catch (error) {
      this.logger.warn(`skipped an undecodable message at partition ${partition} offset ${message.offset}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** A bounded memory of recent ids: enough to drop the duplicates of a republished batch. */
  private remember(eventId: string): void {
    this.seen.add(eventId);
    if (this.seen.size > 100_000) for (const id of [...this.seen].slice(0, 50_000)) this.seen.delete(id);
  }
}
