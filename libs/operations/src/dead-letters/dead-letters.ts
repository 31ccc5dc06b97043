import { Injectable } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { type KafkaSettings, type RunRetryMessage } from '#bus';
import { listDeadLetters, redriveDeadLetters } from '#bus/nest';
import { OperationsKafka } from '../kafka/operations-kafka.js';
import type { RunRef } from '../operations.errors.js';
import { DeadLetterCache } from './dead-letter-cache.js';

/** The runs the workers dead-lettered, on the deployment's Kafka: what `ledgerline dlq` lists and redrives. */
@Injectable()
export class DeadLetters {
  private cache: DeadLetterCache | undefined;

  constructor(private readonly kafka: OperationsKafka) {}

  /** The runs waiting in the dead letters now, oldest first. @throws KafkaNotConfiguredError, KafkaUnavailableError */
  waiting(): Promise<RunRetryMessage[]> {
    const topics = this.kafka.runRetryTopics;
    return this.kafka.call(async (admin, client) => {
      this.cache ??= new DeadLetterCache(() => listDeadLetters(client, topics));
      return this.cache.entries(await topicEnds(admin, [topics.deadLetters, topics.redrives]));
    });
  }

  /** Puts the runs back to work (a message each on the redrive topic, which the workers' retry consumers take). */
  redrive(runs: readonly RunRef[]): Promise<void> {
    const topics = this.kafka.runRetryTopics;
    return this.kafka.call((_admin, client: KafkaSettings) => redriveDeadLetters(client, topics, runs));
  }
}

/** Each partition's end offset of the topics that exist, as one string that changes when a message is added to any. */
async function topicEnds(admin: Admin, topics: readonly string[]): Promise<string> {
  const existing = new Set(await admin.listTopics());
  const ends = await Promise.all(topics.map(async (topic) => (existing.has(topic) ? (await admin.fetchTopicOffsets(topic)).map((end) => `${end.partition}:${end.high}`).sort().join(',') : '-')));
  return ends.join('|');
}
