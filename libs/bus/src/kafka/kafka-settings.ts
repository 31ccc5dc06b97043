export interface KafkaSettings {
  /** host:port,host:port */
  brokers: string[];
  clientId: string;
  /** Partitions of the events topic when this process creates it. */
  eventsPartitions?: number;
  /** The events topic's name; tests give each run its own. */
  eventsTopic?: string;
  /** How often, at most, the relay marks the views topic's partitions (DEFAULT_MARK_EVERY_MS). */
  markEveryMs?: number;
  /** Delays of the retry topics of runs the saga failed on; one failure more is a dead letter. */
  runRetryDelaysMs?: number[];
}

export function parseBrokers(value: string): string[] {
  return value.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
}
