import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { KafkaSettings } from './kafka-settings.js';

/**
 * How far a consumer group is behind its topic: the sum over partitions of the high watermark
 * minus the group's committed offset (minus the low watermark where it has committed nothing).
 * One admin connection, opened once and kept for the scrapes.
 */
export class ConsumerLag {
  private constructor(private readonly admin: Admin) {}

  static async connect(settings: KafkaSettings): Promise<ConsumerLag> {
    const admin = new Kafka({ clientId: `${settings.clientId}-lag`, brokers: settings.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return new ConsumerLag(admin);
  }

  async of(groupId: string, topic: string): Promise<number> {
    const [watermarks, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedByPartition = new Map((committed[0]?.partitions ?? []).map((partition) => [partition.partition, Number(partition.offset)]));
    let lag = 0;
    for (const { partition, high, low } of watermarks) {
      const offset = committedByPartition.get(partition) ?? -1;
      lag += Math.max(0, Number(high) - (offset < 0 ? Number(low) : offset));
    }
    return lag;
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}
