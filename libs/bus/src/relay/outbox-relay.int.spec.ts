import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { PostgresEventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { collect } from '../../../event-store/src/testing/event-store.contract.js';
import type { EventPublisher } from '../bus.port.js';
import { decodeEvent } from '../kafka/event-codec.js';
import { KafkaEventPublisher } from '../kafka/kafka-event-publisher.js';
import { kafkaTestBrokers } from '../testing/kafka-test-brokers.js';
import { eventKey } from '../topology.js';
import { OutboxRelay } from './outbox-relay.js';

interface Delivered {
  event: RecordedEvent;
  partition: number;
}

/** Reads a topic from its start into `delivered`, in each partition's order. */
async function consumeTopic(kafka: Kafka, topic: string, delivered: Delivered[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void delivered.push({ event: decodeEvent(message.value), partition }) });
  return consumer;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Publishes, then fails before the relay can save its position: a crash at the worst moment. */
class CrashAfterPublish implements EventPublisher {
  private calls = 0;

  constructor(private readonly inner: EventPublisher, private readonly crashOnCall: number) {}

  async publish(events: readonly RecordedEvent[]): Promise<void> {
    await this.inner.publish(events);
    if (++this.calls === this.crashOnCall) throw new Error('crashed after publishing');
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('the outbox relay, from PostgreSQL to Kafka', () => {
  let database: { url: string; drop: () => Promise<void> };
  let store: PostgresEventStore;
  let kafka: Kafka;
  let publisher: KafkaEventPublisher;
  let consumer: Consumer | undefined;
  const topic = `ledgerline.events.test-${randomUUID().slice(0, 8)}`;
  const delivered: Delivered[] = [];

  beforeAll(async () => {
    const brokers = kafkaTestBrokers();
    database = await createTestDatabase();
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 4 });
    kafka = new Kafka({ clientId: 'relay-test', brokers, logLevel: logLevel.NOTHING });
    publisher = await KafkaEventPublisher.connect({ brokers, clientId: 'relay-test', eventsTopic: topic, eventsPartitions: 4 });
    consumer = await consumeTopic(kafka, topic, delivered);
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await publisher?.close();
    await store?.close();
    await database?.drop();
  });

  const appendMany = async (rounds: number, tag: string): Promise<void> => {
    for (let round = 0; round < rounds; round++) {
      await Promise.all(['acme', 'globex', 'initech'].flatMap((tenant) => Array.from({ length: 5 }, (_, s) =>
        store.append(tenant, `run-${s}`, 'any', [{ type: 'Happened', data: { tag, round } }, { type: 'HappenedToo', data: { tag, round } }]))));
    }
  };

  it('publishes every event, once per publish, each stream in order in one partition, streams spread over partitions', async () => {
    await appendMany(10, 'first');
    const relay = new OutboxRelay(store, publisher, { batchSize: 37 });
    const head = await relay.catchUp();
    const log = await collect(store.readAll());
    expect(head).toBe(log[log.length - 1]!.globalPosition);
    await until(() => delivered.length >= log.length);
    expect(delivered.map((d) => d.event.eventId).sort()).toEqual(log.map((e) => e.eventId).sort());

    const partitionsOf = new Map<string, Set<number>>();
    for (const { event, partition } of delivered) partitionsOf.set(eventKey(event), (partitionsOf.get(eventKey(event)) ?? new Set()).add(partition));
    expect([...partitionsOf.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expect(new Set(delivered.map((d) => d.partition)).size).toBeGreaterThan(1);
    for (const key of partitionsOf.keys()) {
      const versions = delivered.filter((d) => eventKey(d.event) === key).map((d) => d.event.streamVersion);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    expect(delivered[0]!.event).toEqual(log.find((e) => e.eventId === delivered[0]!.event.eventId));
  });

  it('after a crash between publishing and saving its position, republishes (duplicates) and never skips', async () => {
    await appendMany(4, 'second');
    const crashing = new OutboxRelay(store, new CrashAfterPublish(publisher, 2), { batchSize: 10 });
    await expect(crashing.catchUp()).rejects.toThrow('crashed after publishing');
    const restarted = new OutboxRelay(store, publisher, { batchSize: 10 });
    await restarted.catchUp();
    const log = await collect(store.readAll());
    await until(() => new Set(delivered.map((d) => d.event.eventId)).size >= log.length);
    expect([...new Set(delivered.map((d) => d.event.eventId))].sort()).toEqual(log.map((e) => e.eventId).sort());
    expect(delivered.length).toBeGreaterThan(log.length); // the batch published before the crash came twice
  });

  it('follows the log: events appended after start reach the topic without a call', async () => {
    const relay = new OutboxRelay(store, publisher, { idleWaitMs: 200 });
    relay.start();
    try {
      await appendMany(1, 'live');
      const log = await collect(store.readAll());
      await until(() => new Set(delivered.map((d) => d.event.eventId)).size >= log.length);
      expect(delivered.filter((d) => (d.event.data as { tag?: string }).tag === 'live')).toHaveLength(30);
    } finally {
      await relay.stop();
    }
  });
});
