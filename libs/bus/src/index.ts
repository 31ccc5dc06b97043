export * from './bus.port.js';
export * from './topology.js';
export * from './kafka/kafka-settings.js';
export * from './kafka/event-codec.js';
export * from './kafka/kafka-event-publisher.js';
export * from './relay/outbox-relay.js';
