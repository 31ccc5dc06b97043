import { describe, expect, it } from '@jest/globals';
import type { Principal } from '#auth';
import type { GrantUsageStore, GrantUse } from '../store/identity-store.port.js';
import { GrantUsageRecorder } from './grant-usage-recorder.js';

/** Keeps rows as the real stores do (the later time wins) and counts the writes. */
class CountingStore implements GrantUsageStore {
  readonly rows = new Map<string, GrantUse>();
  readonly batches: GrantUse[][] = [];
  failNext = false;
  async record(uses: readonly GrantUse[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database away');
    }
    this.batches.push([...uses]);
    for (const use of uses) this.rows.set(use.grantId, { ...use, lastUsedAt: Math.max(use.lastUsedAt, this.rows.get(use.grantId)?.lastUsedAt ?? 0) });
  }
  async lastUsed(tenantId: string, grantIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(grantIds.flatMap((id) => { const row = this.rows.get(id); return row?.tenantId === tenantId ? [[id, row.lastUsedAt] as const] : []; }));
  }
}

const caller = (grantId: string | undefined, tenantId = 'acme'): Principal => ({ tenantId, userId: 'alice', clientId: 'agent', scopes: [], ...(grantId !== undefined && { grantId }) });

function setUp() {
  let now = 1_000;
  const store = new CountingStore();
  const recorder = new GrantUsageRecorder(store, () => now);
  return { store, recorder, at: (ms: number) => (now = ms) };
}

describe('GrantUsageRecorder', () => {
  it('writes nothing per call: one batch per flush, the last use of each grant, none for a token without a grant', async () => {
    const { store, recorder, at } = setUp();
    for (let i = 0; i < 100; i++) {
      at(1_000 + i);
      recorder.noteUse(caller(i % 2 === 0 ? 'g-1' : 'g-2'));
      recorder.noteUse(caller(undefined));
    }
    expect(store.batches).toEqual([]);
    await recorder.flush();
    expect(store.batches).toEqual([[{ grantId: 'g-1', tenantId: 'acme', lastUsedAt: 1_098 }, { grantId: 'g-2', tenantId: 'acme', lastUsedAt: 1_099 }]]);
    await recorder.flush();
    expect(store.batches).toHaveLength(1);
  });

  it("answers the later of the stored time and this instance's unwritten one, for the asking tenant only", async () => {
    const { store, recorder, at } = setUp();
    await store.record([{ grantId: 'g-1', tenantId: 'acme', lastUsedAt: 5_000 }, { grantId: 'g-2', tenantId: 'acme', lastUsedAt: 5_000 }]);
    at(4_000);
    recorder.noteUse(caller('g-1'));
    at(6_000);
    recorder.noteUse(caller('g-2'));
    recorder.noteUse(caller('g-3'));
    recorder.noteUse(caller('g-x', 'globex'));
    const times = await recorder.lastUsedOf('acme', ['g-1', 'g-2', 'g-3', 'g-x', 'g-never']);
    expect(Object.fromEntries(times)).toEqual({ 'g-1': 5_000, 'g-2': 6_000, 'g-3': 6_000 });
    await recorder.flush();
    expect(store.rows.get('g-1')!.lastUsedAt).toBe(5_000);
    expect(Object.fromEntries(await recorder.lastUsedOf('globex', ['g-x', 'g-1']))).toEqual({ 'g-x': 6_000 });
  });

  it('keeps a batch whose write failed for the next flush, and writes what is pending when stopped', async () => {
    const { store, recorder, at } = setUp();
    at(2_000);
    recorder.noteUse(caller('g-1'));
    store.failNext = true;
    await recorder.flush();
    expect(Object.fromEntries(await recorder.lastUsedOf('acme', ['g-1']))).toEqual({ 'g-1': 2_000 });
    at(3_000);
    recorder.noteUse(caller('g-2'));
    recorder.start();
    await recorder.stop();
    expect(store.batches).toEqual([[{ grantId: 'g-1', tenantId: 'acme', lastUsedAt: 2_000 }, { grantId: 'g-2', tenantId: 'acme', lastUsedAt: 3_000 }]]);
  });
});
