import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { fetchPartitionLags } from '#bus/nest';
import { OperationsKafka } from '../../operations-kafka.js';
import { KafkaLagQuery, type ConsumerGroupLagView, type KafkaLagView, type TopicLagView } from './kafka-lag.query.js';

const total = (lags: ReadonlyArray<{ lag: number }>): number => lags.reduce((sum, { lag }) => sum + lag, 0);

/** The workers' consumer groups (sagas, projections, run retries), partition by partition: two admin requests per topic, all at once. */
@QueryHandler(KafkaLagQuery)
export class KafkaLagHandler implements IQueryHandler<KafkaLagQuery> {
  constructor(private readonly kafka: OperationsKafka) {}

  async execute(): Promise<KafkaLagView> {
    if (!this.kafka.configured) return { kafka: false, groups: [] };
    const groups = this.kafka.consumerGroups;
    return this.kafka.call(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const lags = await Promise.all(groups.map(async ({ groupId, topics }): Promise<ConsumerGroupLagView> => {
        const topicLags = await Promise.all(topics.filter((topic) => existing.has(topic)).map(async (topic): Promise<TopicLagView> => {
          const partitions = await fetchPartitionLags(admin, groupId, topic);
          return { topic, lag: total(partitions), partitions };
        }));
        return { groupId, lag: total(topicLags), topics: topicLags };
      }));
      return { kafka: true, groups: lags };
    });
  }
}
