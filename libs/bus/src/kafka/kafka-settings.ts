export interface KafkaSettings {
  /** host:port,host:port */
  brokers: string[];
  clientId: string;
  /** Partitions of the events topic when this process creates it. */
  eventsPartitions?: number;
  /** The events topic's name; tests give each run its own. */
  eventsTopic?: string;
}

export function parseBrokers(value: string): string[] {
  return value.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
}
