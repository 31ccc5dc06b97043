import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { KafkaSettings } from './kafka-settings.js';

/** Where a consumer group stands on one partition of a topic. */
export interface PartitionLag {
  partition: number;
  /** The group's committed offset (the next message it will read); null where it has committed none. */
  committedOffset: number | null;
  lowWatermark: number;
  highWatermark: number;
  /** Messages of the partition the group has not committed: from its offset, or from the low watermark where it has none. */
  lag: number;
}

/** The lag of each partition, from the topic's watermarks (admin.fetchTopicOffsets) and the group's offsets on it (admin.fetchOffsets). */
export function partitionLags(
  watermarks: ReadonlyArray<{ partition: number; high: string; low: string }>,
  committed: ReadonlyArray<{ partition: number; offset: string }>,
): PartitionLag[] {
  const committedByPartition = new Map(committed.map((partition) => [partition.partition, Number(partition.offset)]));
  return watermarks
    .map(({ partition, high, low }) => {
      const offset = committedByPartition.get(partition) ?? -1;
      const committedOffset = offset < 0 ? null : offset;
      return { partition, committedOffset, lowWatermark: Number(low), highWatermark: Number(high), lag: Math.max(0, Number(high) - (committedOffset ?? Number(low))) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** A group's lag on a topic, partition by partition (one admin request for each). */
export async function fetchPartitionLags(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [watermarks, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return partitionLags(watermarks, committed[0]?.partitions ?? []);
}

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
    return (await fetchPartitionLags(this.admin, groupId, topic)).reduce((sum, partition) => sum + partition.lag, 0);
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}
