import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { applyBusBatch, loadFrontier, PostgresViewDb, Projector } from '#projections';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { collect } from '../../../event-store/src/testing/event-store.contract.js';
import { expectedTrails, trailProjection, trails } from '../../../projections/src/testing/trail-projection.js';
import { KafkaEventConsumer } from '../kafka/kafka-event-consumer.js';
import { KafkaEventPublisher } from '../kafka/kafka-event-publisher.js';
import type { KafkaSettings } from '../kafka/kafka-settings.js';
import { kafkaTestBrokers } from '../testing/kafka-test-brokers.js';
import { viewsTopicOf } from '../topology.js';
import { OutboxRelay, RELAY_CHECKPOINT } from './outbox-relay.js';

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A member of the projections' consumer group, as a worker runs it: its own connections to the view database. */
interface Member {
  db: PostgresViewDb;
  consumer: KafkaEventConsumer;
  readonly assigned: number[];
  handled: Set<number>;
}

/**
 * The log, through the relay and the views topic, into views that two members of one consumer
 * group apply, each its share of the partitions: the views equal the log's order per tenant,
 * through a relay that publishes everything again and a member that leaves.
 */
describe('views fed through Kafka by a consumer group', () => {
  let database: { url: string; drop: () => Promise<void> };
  let store: PostgresEventStore;
  let publisher: KafkaEventPublisher;
  let relay: OutboxRelay;
  const members: Member[] = [];
  const topic = `ledgerline.events.views-test-${randomUUID().slice(0, 8)}`;
  const settings: KafkaSettings = { brokers: kafkaTestBrokers(), clientId: 'views-test', eventsTopic: topic, eventsPartitions: 4, markEveryMs: 50 };
  const versions = new Map<string, number>();
  const tenants = Array.from({ length: 12 }, (_, t) => `tenant-${t}`);

  async function appendRound(round: number): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const tenant = tenants[(i * 7 + round) % tenants.length]!;
      const stream = ['run-a', 'run-b', 'memory:notes'][(Math.floor(i / tenants.length) + round) % 3]!; // each tenant writes to every stream
      const key = `${tenant}/${stream}`;
      const result = await store.append(tenant, stream, versions.get(key) ?? 'no-stream', [{ type: 'Stepped', data: { i } }]);
      versions.set(key, result.nextExpectedVersion);
    }
  }

  async function join(): Promise<Member> {
    const db = PostgresViewDb.connect(database.url, 2);
    const handled = new Set<number>();
    let assigned: number[] = [];
    const consumer = await KafkaEventConsumer.start(settings, `${viewsTopicOf(topic)}.projections`, {
      handle: async (events, partition, upTo) => {
        await applyBusBatch(db, [trailProjection], partition, events, upTo);
        handled.add(partition);
      },
      assigned: (partitions) => void (assigned = partitions),
    }, viewsTopicOf(topic));
    const member: Member = { db, consumer, handled, get assigned() { return assigned; } };
    members.push(member);
    return member;
  }

  /** Until every partition's position is past the log's head (the relay's marks move the quiet ones), then the view against the log. */
  async function expectViewEqualsLog(db: PostgresViewDb): Promise<void> {
    // Every committed event (the safe head could still be below the last append while another transaction runs).
    const head = await store.committedPosition();
    await until(async () => ((await loadFrontier(db, trailProjection.name))?.low ?? 0) >= head, `the views to reach ${head}`);
    expect(await trails(db)).toEqual(expectedTrails(await collect(store.readAll())));
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 4 });
    await appendRound(0);
    publisher = await KafkaEventPublisher.connect(settings);
    relay = new OutboxRelay(store, publisher, { idleWaitMs: 50 });
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    for (const member of members) {
      await member.consumer.stop();
      await member.db.close();
    }
    await publisher?.close();
    await store?.close();
    await database?.drop();
  }, 60_000);

  it('splits the partitions between the members and applies each tenant in the order of the log', async () => {
    const db = PostgresViewDb.connect(database.url, 2);
    try {
      // Readied from the log before the bus feeds it: the events already there are the log's to bring.
      await new Projector(store, db, trailProjection).prepareForBus(publisher.viewPartitions);
      const [first, second] = [await join(), await join()];
      await until(() => first.assigned.length > 0 && second.assigned.length > 0 && first.assigned.length + second.assigned.length === 4, 'the group to split the partitions');
      // Published in large batches: each member takes its partitions' batches one after another, so a
      // tenant whose events were spread over partitions would come out of the log's order.
      await appendRound(1);
      await appendRound(2);
      relay.start();
      await expectViewEqualsLog(db);
      expect(first.handled.size).toBeGreaterThan(0);
      expect(second.handled.size).toBeGreaterThan(0);
      expect([...first.handled].some((partition) => second.handled.has(partition))).toBe(false);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('takes no event twice when the relay publishes the whole log again', async () => {
    await relay.stop();
    await store.checkpoints.save(RELAY_CHECKPOINT, 0);
    const before = relay.published;
    relay.start();
    await appendRound(3);
    await until(() => relay.published - before > 180, 'the relay to publish the log again');
    await expectViewEqualsLog(members[0]!.db);
  }, 120_000);

  it('goes on with the member that stays when the other leaves', async () => {
    const [leaving, staying] = members;
    await leaving!.consumer.stop();
    await until(() => staying!.assigned.length === 4, 'the staying member to take every partition');
    await appendRound(4);
    await expectViewEqualsLog(staying!.db);
  }, 120_000);
});
