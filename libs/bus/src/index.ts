// The bus, the framework-free part: the port, the topology, the settings, the event codec, the outbox relay; the Kafka clients (kafkajs) and the Nest module are in '#bus/nest'.
export * from './bus.port.js';
export * from './topology.js';
export * from './kafka/kafka-settings.js';
export * from './kafka/event-codec.js';
export * from './relay/outbox-relay.js';
export * from './kafka/run-retry-topics.js';
