import { Query } from '@nestjs/cqrs';
import type { PartitionLag } from '#bus/nest';

export interface TopicLagView {
  topic: string;
  /** The sum over its partitions. */
  lag: number;
  partitions: PartitionLag[];
}

export interface ConsumerGroupLagView {
  groupId: string;
  lag: number;
  /** The topics it reads that exist (the workers create them as they start). */
  topics: TopicLagView[];
}

/** `kafka: false` (and no groups): KAFKA_BROKERS is not set. */
export interface KafkaLagView {
  kafka: boolean;
  groups: ConsumerGroupLagView[];
}

export class KafkaLagQuery extends Query<KafkaLagView> {}
