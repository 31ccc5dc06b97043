import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
// kafkajs is CommonJS and spreads its error classes into its exports, which Node cannot name for an ES import.
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { consumerGroupsOf, runRetryTopics, type ConsumerGroupTopics, type KafkaSettings, type RunRetryTopics } from '#bus';
import { KafkaNotConfiguredError, KafkaUnavailableError } from '../operations.errors.js';

/** The scale-out Kafka as configured for the platform (KAFKA_BROKERS, LEDGERLINE_KAFKA_TOPIC, LEDGERLINE_RUN_RETRY_DELAYS_MS). */
export interface OperationsKafkaSettings {
  brokers: string[];
  eventsTopic: string;
  runRetryDelaysMs: readonly number[];
}

/** The settings, or null when KAFKA_BROKERS is not set. */
export const OPERATIONS_KAFKA_SETTINGS = Symbol('OPERATIONS_KAFKA_SETTINGS');

const CLIENT_ID = 'ledgerline-operations';

/**
 * The operations endpoints' way to Kafka: one admin connection, opened at the first call (a
 * platform starts and serves without Kafka) and kept. A broker that does not answer within a few
 * seconds is a typed 503 (operations.kafka.unavailable), never a hang.
 */
@Injectable()
export class OperationsKafka implements OnModuleDestroy {
  private admin: Promise<Admin> | undefined;

  constructor(@Inject(OPERATIONS_KAFKA_SETTINGS) private readonly settings: OperationsKafkaSettings | null) {}

  get configured(): boolean {
    return this.settings !== null;
  }

  /** The run retry topics, the dead letters' and the redrives' among them. @throws KafkaNotConfiguredError */
  get runRetryTopics(): RunRetryTopics {
    const { eventsTopic, runRetryDelaysMs } = this.require();
    return runRetryTopics(eventsTopic, runRetryDelaysMs);
  }

  /** The workers' consumer groups and the topics each reads. @throws KafkaNotConfiguredError */
  get consumerGroups(): ConsumerGroupTopics[] {
    const { eventsTopic, runRetryDelaysMs } = this.require();
    return Object.values(consumerGroupsOf(eventsTopic, runRetryDelaysMs));
  }

  /** Runs `work` with the admin connection and the client settings for connections of its own; Kafka's failures become KafkaUnavailableError. */
  async call<T>(work: (admin: Admin, client: KafkaSettings) => Promise<T>): Promise<T> {
    const settings = this.require();
    try {
      return await work(await this.connected(settings), { brokers: settings.brokers, clientId: CLIENT_ID });
    } catch (error) {
      throw error instanceof kafkajs.KafkaJSError ? new KafkaUnavailableError(error) : error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }

  private require(): OperationsKafkaSettings {
    if (!this.settings) throw new KafkaNotConfiguredError();
    return this.settings;
  }

  private connected(settings: OperationsKafkaSettings): Promise<Admin> {
    if (!this.admin) {
      const admin = (async () => {
        const client = new Kafka({ clientId: CLIENT_ID, brokers: settings.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10_000, retry: { retries: 2 } }).admin();
        await client.connect();
        return client;
      })();
      this.admin = admin;
      // A failed connect is tried again at the next call.
      admin.catch(() => (this.admin === admin ? (this.admin = undefined) : undefined));
    }
    return this.admin;
  }
}
