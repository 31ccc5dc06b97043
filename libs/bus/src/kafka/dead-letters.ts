import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { UnavailableError } from '#core';
import type { KafkaSettings } from './kafka-settings.js';
import type { RunRetryMessage, RunRetryTopics } from './run-retry-topics.js';

/** The runs waiting in the dead-letter topic: dead-lettered and not redriven since, one entry per run (its latest). */
export async function listDeadLetters(settings: KafkaSettings, topics: RunRetryTopics): Promise<RunRetryMessage[]> {
  const [dead, redriven] = await Promise.all([readTopic(settings, topics.deadLetters), readTopic(settings, topics.redrives)]);
  const latest = new Map<string, RunRetryMessage>();
  for (const entry of dead) latest.set(`${entry.tenantId}/${entry.runId}`, entry);
  for (const redrive of redriven) {
    const entry = latest.get(`${redrive.tenantId}/${redrive.runId}`);
    if (entry && Date.parse(redrive.at) >= Date.parse(entry.at)) latest.delete(`${redrive.tenantId}/${redrive.runId}`);
  }
  return [...latest.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** Puts dead-lettered runs back to work: the workers' retry consumers pick the requests up. */
export async function redriveDeadLetters(settings: KafkaSettings, topics: RunRetryTopics, runs: ReadonlyArray<{ tenantId: string; runId: string }>): Promise<void> {
  const kafka = new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const at = new Date().toISOString();
    await producer.send({
      topic: topics.redrives,
      acks: -1,
      messages: runs.map(({ tenantId, runId }) => ({ key: `${tenantId}/${runId}`, value: JSON.stringify({ tenantId, runId, error: '', failures: 0, at, notBefore: 0 } satisfies RunRetryMessage) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Every message of a topic up to its end now (a throw-away consumer group that commits nothing, so the broker forgets it once it leaves). */
async function readTopic(settings: KafkaSettings, topic: string): Promise<RunRetryMessage[]> {
  const kafka = new Kafka({ clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = await admin.listTopics();
  const ends = topics.includes(topic) ? await admin.fetchTopicOffsets(topic) : [];
  await admin.disconnect();
  const pending = new Map(ends.filter((end) => Number(end.high) > Number(end.low)).map((end) => [end.partition, Number(end.high)]));
  if (pending.size === 0) return [];
  const consumer = kafka.consumer({ groupId: `ledgerline-dlq-reader-${randomUUID()}` });
  const messages: RunRetryMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UnavailableError('bus.dead_letters.read_timeout', `could not read ${topic} to its end within 30 s`)), 30_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (message.value) messages.push(JSON.parse(message.value.toString('utf8')) as RunRetryMessage);
            if (Number(message.offset) + 1 >= (pending.get(partition) ?? 0)) pending.delete(partition);
            if (pending.size === 0) (clearTimeout(timer), resolve());
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
