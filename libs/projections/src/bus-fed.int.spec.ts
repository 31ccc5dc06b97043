import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore, type RecordedEvent } from '#event-store';
import { createTestDatabase } from '../../event-store/src/postgres/postgres-test-database.js';
import { collect } from '../../event-store/src/testing/event-store.contract.js';
import { applyBusBatch, ViewNotReadiedError, ViewVersionMismatchError } from './bus-fed.js';
import { loadFrontier, loadPartitionPositions } from './checkpoints.js';
import { partitionOf, viewKeyOf } from './partitions.js';
import { PostgresViewDb } from './postgres-view-db.js';
import { Projector } from './projector.js';
import { ViewRebuild } from './rebuild/view-rebuild.js';
import { ViewWatch } from './view-watch.js';
import { expectedTrails, trailProjection, trails } from './testing/trail-projection.js';

const PARTITIONS = 4;

/** Four tenants, two of them in one partition of four, the others alone: found by the hash the bus uses. */
function tenantsOverPartitions(): { together: [string, string]; alone: [string, string] } {
  const byPartition = new Map<number, string[]>();
  for (let i = 0; byPartition.size < PARTITIONS || ![...byPartition.values()].some((tenants) => tenants.length >= 2); i++) {
    const tenant = `tenant-${i}`;
    const partition = partitionOf(viewKeyOf(tenant), PARTITIONS);
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), tenant]);
  }
  const shared = [...byPartition.values()].find((tenants) => tenants.length >= 2)!;
  const others = [...byPartition.values()].filter((tenants) => tenants !== shared).map((tenants) => tenants[0]!);
  return { together: [shared[0]!, shared[1]!], alone: [others[0]!, others[1]!] };
}

const partitionOfTenant = (tenant: string): number => partitionOf(viewKeyOf(tenant), PARTITIONS);

describe('views fed by the bus, partition by partition (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let store: PostgresEventStore;
  let db: PostgresViewDb;
  const { together, alone } = tenantsOverPartitions();
  const tenants = [...together, ...alone];
  const versions = new Map<string, number>();

  async function step(tenant: string, stream: string, count = 1): Promise<void> {
    const key = `${tenant}/${stream}`;
    const result = await store.append(tenant, stream, versions.get(key) ?? 'no-stream', Array.from({ length: count }, () => ({ type: 'Stepped', data: {} })));
    versions.set(key, result.nextExpectedVersion);
  }

  /** The log after `after`, as the relay would have put it on the bus: per partition, in order. */
  async function batchesAfter(after: number): Promise<Map<number, RecordedEvent[]>> {
    const batches = new Map<number, RecordedEvent[]>();
    for (const event of await collect(store.readAll({ after }))) batches.set(partitionOfTenant(event.tenantId), [...(batches.get(partitionOfTenant(event.tenantId)) ?? []), event]);
    return batches;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 4 });
    db = PostgresViewDb.connect(database.url, 4);
    for (let round = 0; round < 3; round++) for (const tenant of tenants) for (const stream of ['run-a', 'run-b', 'memory:x']) await step(tenant, stream, 2);
  });
  afterAll(async () => {
    await db?.close();
    await store?.close();
    await database?.drop();
  });

  it('is readied from the log once: every partition starts where the log was, and a second start changes nothing', async () => {
    const head = await store.headPosition();
    await new Projector(store, db, trailProjection).prepareForBus(PARTITIONS);
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual([head, head, head, head]);
    expect(await trails(db)).toEqual(expectedTrails(await collect(store.readAll())));

    await step(alone[0], 'run-a');
    await new Projector(store, db, trailProjection).prepareForBus(PARTITIONS);
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual([head, head, head, head]);
    // The new event is the bus's to bring, not the log's: a second preparation does not apply it.
    expect((await trails(db))[alone[0]]).toBe(expectedTrails(await collect(store.readAll({ tenantId: alone[0] })), (event) => event.globalPosition <= head)[alone[0]]);
  });

  it('takes each event once: a redelivered batch, and an event the relay published twice in one batch, take no effect again', async () => {
    const before = (await loadFrontier(db, 'bf_trail'))!.high;
    await step(together[0], 'run-b');
    await step(together[1], 'run-a');
    const partition = partitionOfTenant(together[0]);
    const batch = (await batchesAfter(before)).get(partition)!;
    const upTo = batch[batch.length - 1]!.globalPosition;
    await applyBusBatch(db, [trailProjection], partition, [...batch, ...batch], upTo);
    await applyBusBatch(db, [trailProjection], partition, batch, upTo);
    const positions = await loadPartitionPositions(db, 'bf_trail');
    expect(positions[partition]).toBe(upTo);
    const all = await collect(store.readAll());
    expect(await trails(db)).toEqual(expectedTrails(all, (event) => event.globalPosition <= positions[partitionOfTenant(event.tenantId)]!));
  });

  it('moves a partition on a mark alone, never back', async () => {
    const partition = partitionOfTenant(alone[1]);
    const head = await store.headPosition();
    const rows = await trails(db);
    await applyBusBatch(db, [trailProjection], partition, [], head);
    await applyBusBatch(db, [trailProjection], partition, [], 1);
    expect((await loadPartitionPositions(db, 'bf_trail'))[partition]).toBe(head);
    expect(await trails(db)).toEqual(rows);
  });

  it('refuses a batch for a view at another version, or for a partition it was not readied for, and changes nothing', async () => {
    const positions = await loadPartitionPositions(db, 'bf_trail');
    const rows = await trails(db);
    const partition = partitionOfTenant(alone[0]);
    const batch = (await batchesAfter(positions[partition]!)).get(partition)!;
    const newer = { ...trailProjection, version: 2 };
    await expect(applyBusBatch(db, [newer], partition, batch, batch[batch.length - 1]!.globalPosition)).rejects.toBeInstanceOf(ViewVersionMismatchError);
    await expect(applyBusBatch(db, [trailProjection], PARTITIONS, batch, batch[batch.length - 1]!.globalPosition)).rejects.toBeInstanceOf(ViewNotReadiedError);
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual(positions);
    expect(await trails(db)).toEqual(rows);
  });

  it("answers a tenant's read once its own partition has its writes, while another partition lags", async () => {
    const watcher = new Projector(store, db, trailProjection);
    const watch = new ViewWatch(db, () => [watcher]);
    watcher.watchWith(() => watch.nudge());
    watch.start();
    try {
      await step(alone[0], 'run-b');
      await step(alone[1], 'run-b');
      const positions = await loadPartitionPositions(db, 'bf_trail');
      const mine = partitionOfTenant(alone[0]);
      const theirs = partitionOfTenant(alone[1]);
      let theirsAnswered = false;
      const theirsRead = watcher.caughtUpWith(alone[1]).then(() => (theirsAnswered = true));
      const mineBatch = (await batchesAfter(positions[mine]!)).get(mine)!;
      await applyBusBatch(db, [trailProjection], mine, mineBatch, mineBatch[mineBatch.length - 1]!.globalPosition);
      await watcher.caughtUpWith(alone[0]);
      expect(theirsAnswered).toBe(false);
      const theirsBatch = (await batchesAfter(positions[theirs]!)).get(theirs)!;
      await applyBusBatch(db, [trailProjection], theirs, theirsBatch, theirsBatch[theirsBatch.length - 1]!.globalPosition);
      await theirsRead;
      expect((await trails(db))[alone[1]]).toBe(expectedTrails(await collect(store.readAll({ tenantId: alone[1] })))[alone[1]]);
    } finally {
      await watch.stop();
      await watcher.stop();
    }
  });

  it('rebuilds online to exactly what the live view holds, partition by partition, and leaves the partitions where they were', async () => {
    // Partitions stand at different places: the switch must take each tenant's events up to its own partition's position.
    await step(together[0], 'run-a', 3);
    await step(alone[1], 'memory:x', 2);
    const positions = await loadPartitionPositions(db, 'bf_trail');
    const first = partitionOfTenant(together[0]);
    const batch = (await batchesAfter(positions[first]!)).get(first)!;
    await applyBusBatch(db, [trailProjection], first, batch.slice(0, 2), batch[1]!.globalPosition);
    const live = (await loadFrontier(db, 'bf_trail'))!;
    const partitionsBefore = await loadPartitionPositions(db, 'bf_trail');
    expect(live.high).toBeGreaterThan(live.low);
    const before = await trails(db);
    expect(before).toEqual(expectedTrails(await collect(store.readAll()), (event) => live.holds(event)));

    const result = await new ViewRebuild(store, db, trailProjection, { batchSize: 5 }).run();
    expect(result.outcome).toBe('switched');
    expect(await trails(db)).toEqual(before);
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual(partitionsBefore);
    expect((await loadFrontier(db, 'bf_trail'))!.holds(batch[1]!)).toBe(true);
    expect((await loadFrontier(db, 'bf_trail'))!.holds(batch[2]!)).toBe(false);

    // The partitions go on from their positions: the rest of the batch lands once, on the rebuilt view.
    await applyBusBatch(db, [trailProjection], first, batch, batch[batch.length - 1]!.globalPosition);
    const after = await loadFrontier(db, 'bf_trail');
    expect(await trails(db)).toEqual(expectedTrails(await collect(store.readAll()), (event) => after!.holds(event)));
  });

  it('starts over from the log for a new version or another partition count', async () => {
    await new Projector(store, db, { ...trailProjection, version: 2 }).prepareForBus(PARTITIONS);
    const head = await store.headPosition();
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual([head, head, head, head]);
    expect(await trails(db)).toEqual(expectedTrails(await collect(store.readAll())));
    await new Projector(store, db, { ...trailProjection, version: 2 }).prepareForBus(6);
    expect(await loadPartitionPositions(db, 'bf_trail')).toEqual([head, head, head, head, head, head]);
    expect(await trails(db)).toEqual(expectedTrails(await collect(store.readAll())));
  });
});
