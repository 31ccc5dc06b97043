export * from './bus.port.js';
export * from './topology.js';
export * from './kafka/kafka-settings.js';
export * from './kafka/event-codec.js';
export * from './kafka/kafka-event-publisher.js';
export * from './relay/outbox-relay.js';

export * from './kafka/kafka-event-consumer.js';
export * from './scale-out-bus.js';
export * from './bus.module.js';
export * from './kafka/run-retry-topics.js';
export * from './kafka/kafka-run-retries.js';
export * from './kafka/dead-letters.js';
export { fetchPartitionLags, partitionLags, type PartitionLag } from './kafka/consumer-lag.js';
