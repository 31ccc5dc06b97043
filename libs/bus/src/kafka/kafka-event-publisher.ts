import { Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { kafkaClient } from './kafka-client.js';
import type { RecordedEvent } from '#event-store';
import type { EventPublisher } from '../bus.port.js';
import { DEFAULT_EVENTS_PARTITIONS, EVENTS_TOPIC, viewsTopicOf } from '../topology.js';
import { encodeEvent, encodeMark, encodeViewEvent } from './event-codec.js';
import type { KafkaSettings } from './kafka-settings.js';

/** How often, at most, the relay marks every partition of the views topic with the position it published up to. */
export const DEFAULT_MARK_EVERY_MS = 1000;

/**
 * Publishes events to the events topic (keyed by stream, for the sagas) and to the views topic
 * (keyed by tenant, for the projections) in one request, with an idempotent producer (acks from
 * all in-sync replicas, one request in flight), so a retried send neither duplicates nor
 * reorders within a partition; the relay's own restart may still publish an event twice, never
 * skip one. Every partition of the views topic gets a mark of the position published up to, at
 * most every `markEveryMs` and once more after the last publish, so that a partition without
 * new events still tells its consumers how far the log went.
 */
export class KafkaEventPublisher implements EventPublisher {
  private chain: Promise<void> = Promise.resolve();
  private publishedUpTo = 0;
  private markedUpTo = 0;
  private markedAt = 0;
  private markTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    readonly partitions: number,
    private readonly viewsTopic: string,
    readonly viewPartitions: number,
    private readonly markEveryMs: number,
  ) {}

  static async connect(settings: KafkaSettings): Promise<KafkaEventPublisher> {
    const kafka = kafkaClient(settings);
    const topic = settings.eventsTopic ?? EVENTS_TOPIC;
    const count = settings.eventsPartitions ?? DEFAULT_EVENTS_PARTITIONS;
    const partitions = await ensureTopic(kafka, topic, count);
    const viewsTopic = viewsTopicOf(topic);
    const viewPartitions = await ensureTopic(kafka, viewsTopic, count);
    // The default partitioner (murmur2 of the key, as Java clients do): a key's events land in one partition.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new KafkaEventPublisher(producer, topic, partitions, viewsTopic, viewPartitions, settings.markEveryMs ?? DEFAULT_MARK_EVERY_MS);
  }

  publish(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.serially(async () => {
      const upTo = events[events.length - 1]!.globalPosition;
      const mark = Date.now() - this.markedAt >= this.markEveryMs;
      const topicMessages: TopicMessages[] = [
        { topic: this.topic, messages: events.map(encodeEvent) },
        { topic: this.viewsTopic, messages: [...events.map(encodeViewEvent), ...(mark ? this.marks(upTo) : [])] },
      ];
      await this.producer.sendBatch({ acks: -1, topicMessages });
      this.publishedUpTo = Math.max(this.publishedUpTo, upTo);
      if (mark) this.markedUp(upTo);
      else this.markLater();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.markTimer);
    await this.chain.catch(() => undefined);
    await this.producer.disconnect();
  }

  /** Sends are one at a time, marks included: a mark never overtakes the events it covers. */
  private serially(send: () => Promise<void>): Promise<void> {
    const sent = this.chain.then(send);
    this.chain = sent.catch(() => undefined);
    return sent;
  }

  private marks(position: number): ReturnType<typeof encodeMark>[] {
    return Array.from({ length: this.viewPartitions }, (_, partition) => encodeMark(partition, position));
  }

  private markedUp(position: number): void {
    this.markedUpTo = position;
    this.markedAt = Date.now();
  }

  /** The trailing mark: the last publish before a pause is marked too, a little later. */
  private markLater(): void {
    if (this.markTimer || this.closed) return;
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined;
      if (this.closed) return;
      void this.serially(async () => {
        const upTo = this.publishedUpTo;
        if (upTo <= this.markedUpTo) return;
        await this.producer.send({ topic: this.viewsTopic, acks: -1, messages: this.marks(upTo) });
        this.markedUp(upTo);
      }).catch(() => this.markLater()); // the broker is away: the next publish or this retry marks it
    }, this.markEveryMs);
    this.markTimer.unref();
  }
}

/**
 * Creates a topic if it is missing; its partition count. Several processes start together and
 * race: a creation refused because another process just made the topic, or metadata asked for
 * before the new topic has spread to the broker's metadata, are retried a few times.
 */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        return metadata.topics[0]!.partitions.length;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
