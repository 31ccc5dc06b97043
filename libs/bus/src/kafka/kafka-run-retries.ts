import { Logger } from '@nestjs/common';
import { Partitioners, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import { kafkaClient } from './kafka-client.js';
import type { RunFailure, RunFailureHandler } from '#automation';
import { ensureTopic } from './kafka-event-publisher.js';
import type { KafkaSettings } from './kafka-settings.js';
import type { RunRetryMessage, RunRetryTopics } from './run-retry-topics.js';

/** Puts a run back to work: the scheduler's poke, forced past partition ownership. */
export type RunRetrier = (tenantId: string, runId: string, failures: number) => void;

/**
 * Durable retries of runs the saga failed on: the n-th failure waits in the n-th retry topic for
 * its delay (each topic has one delay, so its messages come due in order), then the run is tried
 * again; a failure past the last retry topic is a dead letter, until an operator redrives it.
 * Unlike an in-memory timer, a retry survives the worker.
 */
export class KafkaRunRetries implements RunFailureHandler {
  private readonly logger = new Logger(KafkaRunRetries.name);
  private consumerStopped: Promise<void> | undefined;
  private leaving = false;

  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly topics: RunRetryTopics,
  ) {}

  static async start(settings: KafkaSettings, topics: RunRetryTopics, retry: RunRetrier, group: string): Promise<KafkaRunRetries> {
    const kafka = kafkaClient(settings);
    for (const topic of [...topics.retries.map((r) => r.topic), topics.deadLetters, topics.redrives]) await ensureTopic(kafka, topic, settings.eventsPartitions ?? 12);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics.retries.map((r) => r.topic), topics.redrives], fromBeginning: true });
    const retries = new KafkaRunRetries(producer, consumer, topics);
    await consumer.run({ eachMessage: (payload) => retries.take(payload, retry) });
    return retries;
  }

  private async take({ topic, message, heartbeat }: EachMessagePayload, retry: RunRetrier): Promise<void> {
    const retryMessage = JSON.parse(message.value?.toString('utf8') ?? 'null') as RunRetryMessage | null;
    if (!retryMessage) return;
    // Wait out the delay in place: the topic's later messages are due later still.
    while (Date.now() < retryMessage.notBefore && !this.leaving) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, retryMessage.notBefore - Date.now())));
      await heartbeat();
    }
    // Leaving (draining), the wait would hold the stop up for the whole delay, and the scheduler takes no more runs:
    // the retry goes back to its topic, for the member the partition goes to (it fires late, never early).
    if (this.leaving) {
      await this.producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value }] });
      return;
    }
    retry(retryMessage.tenantId, retryMessage.runId, topic === this.topics.redrives ? 0 : retryMessage.failures);
  }

  async handle(failure: RunFailure): Promise<void> {
    const retry = this.topics.retries[failure.failures - 1];
    const message: RunRetryMessage = { ...failure, notBefore: retry ? Date.now() + retry.delayMs : 0 };
    const topic = retry?.topic ?? this.topics.deadLetters;
    if (!retry) this.logger.error(`run ${failure.runId} of ${failure.tenantId} dead-lettered after ${failure.failures} failures: ${failure.error}`);
    await this.producer.send({ topic, acks: -1, messages: [{ key: `${failure.tenantId}/${failure.runId}`, value: JSON.stringify(message) }] });
  }

  /** No more retries come due here (they go to the group's other members, a retry held back goes back to its topic); failures can still be handed over. */
  stopConsuming(): Promise<void> {
    this.leaving = true;
    return (this.consumerStopped ??= this.consumer.disconnect());
  }

  async stop(): Promise<void> {
    await this.stopConsuming();
    await this.producer.disconnect();
  }
}
