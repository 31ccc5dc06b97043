import { ApiProperty } from '@nestjs/swagger';

export class PartitionLagDto {
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: "the group's committed offset (the next message it reads); null: it has committed none" }) committedOffset!: number | null;
  @ApiProperty({ type: 'integer' }) lowWatermark!: number;
  @ApiProperty({ type: 'integer' }) highWatermark!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'highWatermark − committedOffset (− lowWatermark where none is committed)' }) lag!: number;
}

export class TopicLagDto {
  @ApiProperty() topic!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) lag!: number;
  @ApiProperty({ type: [PartitionLagDto] }) partitions!: PartitionLagDto[];
}

export class ConsumerGroupLagDto {
  @ApiProperty({ example: 'ledgerline.events.sagas' }) groupId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) lag!: number;
  @ApiProperty({ type: [TopicLagDto], description: 'the topics it reads that exist' }) topics!: TopicLagDto[];
}

export class KafkaLagDto {
  @ApiProperty({ description: 'false: KAFKA_BROKERS is not set (groups is empty)' }) kafka!: boolean;
  @ApiProperty({ type: [ConsumerGroupLagDto], description: '<topic>.sagas, <topic>.by-tenant.projections, <topic>.retries' }) groups!: ConsumerGroupLagDto[];
}
