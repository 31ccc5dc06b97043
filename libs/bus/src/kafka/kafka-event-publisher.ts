import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { RecordedEvent } from '#event-store';
import type { EventPublisher } from '../bus.port.js';
import { DEFAULT_EVENTS_PARTITIONS, EVENTS_TOPIC } from '../topology.js';
import { encodeEvent } from './event-codec.js';
import type { KafkaSettings } from './kafka-settings.js';

/**
 * Publishes events to the events topic with an idempotent producer (acks from all in-sync
 * replicas, one request in flight), so a retried send neither duplicates nor reorders within a
 * partition; the relay's own restart may still publish an event twice, never skip one.
 */
export class KafkaEventPublisher implements EventPublisher {
  private constructor(private readonly producer: Producer, private readonly topic: string, readonly partitions: number) {}

  static async connect(settings: KafkaSettings): Promise<KafkaEventPublisher> {
    const kafka = new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.WARN });
    const topic = settings.eventsTopic ?? EVENTS_TOPIC;
    const partitions = await ensureTopic(kafka, topic, settings.eventsPartitions ?? DEFAULT_EVENTS_PARTITIONS);
    // The default partitioner (murmur2 of the key, as Java clients do): a stream's events land in one partition.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new KafkaEventPublisher(producer, topic, partitions);
  }

  async publish(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, messages: events.map(encodeEvent) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
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
