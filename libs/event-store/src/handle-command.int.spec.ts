import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandMetadata, Decider, DomainEvent } from '#core';
import { handleCommand } from './handle-command.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

type Added = DomainEvent<'Added', { n: number }>;
interface Tally { total: number; seen: number[] }

/** A decider that records the state it decided on, so the test sees what each command saw. */
const decided: Tally[] = [];
const tally: Decider<{ n: number }, Tally, Added> = {
  initialState: () => ({ total: 0, seen: [] }),
  evolve: (state, event) => ({ total: state.total + event.data.n, seen: [...state.seen, event.data.n] }),
  decide: (command, state) => {
    decided.push(state);
    return [{ type: 'Added', data: { n: command.n } }];
  },
  copy: (state) => ({ total: state.total, seen: [...state.seen] }),
};

const metadata: CommandMetadata = { tenantId: 'acme', userId: 'u', clientId: 'c', scopes: [], correlationId: 'corr' };

describe('handleCommand with a cached stream state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cmd-'));
  let store: SqliteEventStore;
  let otherWriter: SqliteEventStore;
  beforeAll(() => {
    store = SqliteEventStore.open({ path: join(dir, 'events.db') });
    otherWriter = SqliteEventStore.open({ path: join(dir, 'events.db') });
  });
  afterAll(async () => {
    await store.close();
    await otherWriter.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds only what was appended since, including other writers\' events, and survives conflicts', async () => {
    await handleCommand(store, metadata, 'tally-1', tally, { n: 1 }, { n: 1 });
    await handleCommand(store, metadata, 'tally-1', tally, { n: 2 }, { n: 2 });
    await otherWriter.append('acme', 'tally-1', 2, [{ type: 'Added', data: { n: 100 } }]);
    const { state, append } = await handleCommand(store, metadata, 'tally-1', tally, { n: 3 }, { n: 3 });
    expect(decided.map((s) => s.seen)).toEqual([[], [1], [1, 2, 100]]);
    expect(state).toEqual({ total: 106, seen: [1, 2, 100, 3] });
    expect(append?.nextExpectedVersion).toBe(4);

    // Two commands racing on one version: one wins; the loser's conflict drops the cached state and
    // it is decided again on the state with the winner's event, so both land, in some order.
    decided.length = 0;
    const results = await Promise.allSettled([
      handleCommand(store, metadata, 'tally-1', tally, { n: 10 }, { n: 10 }),
      handleCommand(store, metadata, 'tally-1', tally, { n: 20 }, { n: 20 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const [winner, loser] = (await store.readStream('acme', 'tally-1')).slice(-2).map((e) => (e.data as { n: number }).n);
    expect([winner, loser].sort((a, b) => a! - b!)).toEqual([10, 20]);
    expect(decided.length).toBe(3); // the loser decided twice, the second time seeing the winner's event
    expect(decided[2]!.seen.at(-1)).toBe(winner);
    const after = await handleCommand(store, metadata, 'tally-1', tally, { n: 5 }, { n: 5 });
    const stored = (await store.readStream('acme', 'tally-1')).map((e) => (e.data as { n: number }).n);
    expect(after.state.seen).toEqual(stored);
  });
});
