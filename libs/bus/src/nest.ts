// The bus on Kafka (kafkajs) and its Nest side: publisher, consumer, run retries, dead letters, consumer lag, a worker's part of the bus and its module.
export * from './kafka/kafka-event-publisher.js';
export * from './kafka/kafka-event-consumer.js';
export * from './scale-out-bus.js';
export * from './bus.module.js';
export * from './kafka/kafka-run-retries.js';
export * from './kafka/dead-letters.js';
export { fetchPartitionLags, partitionLags, type PartitionLag } from './kafka/consumer-lag.js';
