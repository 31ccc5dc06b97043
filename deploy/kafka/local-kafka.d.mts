// Types for the TypeScript tests and benchmarks that start their own broker (to restart it).
export interface LocalKafka {
  /** host:port of the PLAINTEXT listener on 127.0.0.1 */
  brokers: string;
  port: number;
  stop(): Promise<void>;
  /** Stops the broker and starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

export function startKafka(options?: { startTimeoutMs?: number; heap?: string[]; properties?: Record<string, string> }): Promise<LocalKafka>;
export const KAFKA_VERSION: string;
