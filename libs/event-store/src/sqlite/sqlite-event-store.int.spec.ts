import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../event-store.port.js';
import { findChainBreak } from '../hash-chain.js';
import { collect, eventStoreContract, events, tenant } from '../testing/event-store.contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';

function sqliteHarness() {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-sqlite-'));
  const path = join(dir, 'events.db');
  return {
    path,
    open: async (options: { maxEventBytes?: number } = {}) => SqliteEventStore.open({ path, ...options }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

eventStoreContract('SQLite', async () => sqliteHarness());

describe('SqliteEventStore group commit', () => {
  const harness = sqliteHarness();
  let store: SqliteEventStore;
  beforeAll(async () => {
    store = SqliteEventStore.open({ path: harness.path });
  });
  afterAll(async () => {
    await store.close();
    await harness.cleanup();
  });

  it('commits concurrent appends in one transaction, each with its own outcome', async () => {
    const t = tenant();
    await store.append(t, 'taken', 'no-stream', events(1));
    const before = store.stats();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) => store.append(t, i === 31 ? 'taken' : `s-${i}`, 'no-stream', events(1))),
    );
    const after = store.stats();
    expect(after.commits - before.commits).toBe(1);
    expect(after.appends - before.appends).toBe(63);
    expect(outcomes.map((o) => o.status === 'fulfilled')).toEqual(Array.from({ length: 64 }, (_, i) => i !== 31));
    expect(await store.readStream(t, 'taken')).toHaveLength(1);
  });

  it('sees appends made through another connection to the same file (its head cache revalidates)', async () => {
    const t = tenant();
    const other = SqliteEventStore.open({ path: harness.path });
    try {
      await store.append(t, 'shared', 'no-stream', events(1));
      await other.append(t, 'shared', 1, events(2));
      await expect(store.append(t, 'shared', 1, events(1))).rejects.toMatchObject({ code: 'stream.wrong_expected_version' });
      const result = await store.append(t, 'shared', 3, events(1));
      expect(result.nextExpectedVersion).toBe(4);
      const all = await collect(store.readAll({ tenantId: t }));
      expect(all.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4]);
      expect(findChainBreak(all)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('answers the log\'s followers reading one range with the same events, frozen, until a row can have changed', async () => {
    const t = tenant();
    await store.append(t, 'kept-1', 'no-stream', events(2));
    await store.append(t, 'kept-2', 'no-stream', events(1));
    const head = await store.headPosition();
    const after = head - 3;
    const [first] = await collect(store.readAll({ after }));
    const [again] = await collect(store.readAll({ after }));
    expect(again).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first!.data) && Object.isFrozen(first!.metadata)).toBe(true);
    expect(() => {
      (first!.data as { n: number }).n = 99;
    }).toThrow(TypeError);
    // Archived here: the range is read again, without the stream's events.
    expect(await store.archiveStreams(t, ['kept-1'], head)).toBe(2);
    expect((await collect(store.readAll({ after }))).map((event) => event.streamId)).toEqual(['kept-2']);
    // Archived through another connection to the file (PRAGMA data_version moves): read again too.
    const other = SqliteEventStore.open({ path: harness.path });
    try {
      expect(await other.archiveStreams(t, ['kept-2'], head)).toBe(1);
    } finally {
      await other.close();
    }
    expect(await collect(store.readAll({ after }))).toEqual([]);
  });

  it('keeps no batch read from behind the head (a full one): a rebuild or an export reads and owns its events', async () => {
    const t = tenant();
    await store.append(t, 'behind', 'no-stream', events(3));
    const after = (await store.headPosition()) - 3;
    const batches = async (): Promise<RecordedEvent[][]> => {
      const read: RecordedEvent[][] = [];
      for await (const batch of store.readAll({ after, batchSize: 2 })) read.push(batch);
      return read;
    };
    const [full, short] = await batches();
    const [fullAgain, shortAgain] = await batches();
    expect([full!.length, short!.length]).toEqual([2, 1]);
    expect(fullAgain![0]).not.toBe(full![0]);
    expect(fullAgain).toEqual(full);
    expect(Object.isFrozen(full![0])).toBe(false);
    expect(shortAgain![0]).toBe(short![0]);
  });
});
