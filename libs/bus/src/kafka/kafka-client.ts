import { Kafka, logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log.js';
import type { KafkaSettings } from './kafka-settings.js';

/** A Kafka client of a platform process: its warnings and errors are logged by the platform's logger (kafka-log.ts); kafkajs's info chatter is not. */
export function kafkaClient(settings: Pick<KafkaSettings, 'clientId' | 'brokers'>): Kafka {
  return new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.WARN, logCreator: kafkaLogCreator });
}
