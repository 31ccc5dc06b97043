import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { PostgresViewDb, Projector, SqliteViewDb, type ViewDb } from '#projections';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { memoryItemsProjection } from './memory-items.projection.js';

interface Harness {
  store: EventStore;
  views: ViewDb;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres'): Promise<Harness> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-views-'));
    const store = SqliteEventStore.open({ path: join(dir, 'events.db') });
    const views = SqliteViewDb.open(join(dir, 'views.db'));
    return { store, views, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = await createTestDatabase();
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  return { store, views: PostgresViewDb.connect(database.url), cleanup: database.drop };
}

const put = (key: string, value: unknown) => ({ type: 'MemoryItemPut', data: { key, value } as never });
const del = (key: string) => ({ type: 'MemoryItemDeleted', data: { key } });
const dump = (views: ViewDb) =>
  views.all<Record<string, unknown>>('SELECT tenant_id, scope, owner, namespace, item_key, value, updated_position FROM memory_items ORDER BY tenant_id, scope, owner, namespace, item_key');

describe.each(['sqlite', 'postgres'] as const)('memory_items projection on %s', (kind) => {
  let h: Harness;
  let projector: Projector;

  beforeAll(async () => {
    h = await harness(kind);
    await h.store.append('acme', 'memory:user:alice:notes', 'no-stream', [put('a', 1), put('b', { x: [1, 2] }), put('a', 'one')]);
    await h.store.append('acme', 'memory:tenant:shared', 'no-stream', [put('policy', 'v1')]);
    await h.store.append('globex', 'memory:user:alice:notes', 'no-stream', [put('a', 'globex-secret')]);
    await h.store.append('acme', 'run-1', 'no-stream', [{ type: 'RunStarted', data: {} }]);
    projector = new Projector(h.store, h.views, memoryItemsProjection, { idleWaitMs: 50 });
    await projector.start();
  });
  afterAll(async () => {
    await projector?.stop();
    await h?.views.close();
    await h?.store.close();
    await h?.cleanup();
  });

  it('catches up on start and then follows the log live', async () => {
    expect((await dump(h.views)).map((r) => [r.tenant_id, r.scope, r.owner, r.namespace, r.item_key, r.value])).toEqual([
      ['acme', 'tenant', '', 'shared', 'policy', '"v1"'],
      ['acme', 'user', 'alice', 'notes', 'a', '"one"'],
      ['acme', 'user', 'alice', 'notes', 'b', '{"x":[1,2]}'],
      ['globex', 'user', 'alice', 'notes', 'a', '"globex-secret"'],
    ]);
    await h.store.append('acme', 'memory:user:alice:notes', 3, [del('b'), put('c', null)]);
    await projector.caughtUpWith('acme');
    const acme = (await dump(h.views)).filter((r) => r.tenant_id === 'acme' && r.scope === 'user').map((r) => [r.item_key, r.value]);
    expect(acme).toEqual([['a', '"one"'], ['c', 'null']]);
  });

  it('gives identical views after a rebuild from position 0, and resumes from its checkpoint after a restart', async () => {
    const before = await dump(h.views);
    const position = projector.checkpoint;
    await projector.rebuild();
    expect(projector.checkpoint).toBe(position);
    expect(await dump(h.views)).toEqual(before);

    await projector.stop();
    const restarted = new Projector(h.store, h.views, memoryItemsProjection, { idleWaitMs: 50 });
    await restarted.start();
    expect(restarted.checkpoint).toBe(position);
    await h.store.append('globex', 'memory:user:alice:notes', 1, [put('z', 26)]);
    await restarted.caughtUpWith();
    expect((await dump(h.views)).filter((r) => r.tenant_id === 'globex').map((r) => r.item_key)).toEqual(['a', 'z']);
    projector = restarted;
  });

  it('rebuilds by itself when the projection version changes', async () => {
    await projector.stop();
    await h.views.run("UPDATE memory_items SET value = 'corrupted'");
    const upgraded = new Projector(h.store, h.views, { ...memoryItemsProjection, version: memoryItemsProjection.version + 1 }, { idleWaitMs: 50 });
    await upgraded.start();
    expect((await dump(h.views)).some((r) => r.value === 'corrupted')).toBe(false);
    await upgraded.stop();
    projector = new Projector(h.store, h.views, memoryItemsProjection, { idleWaitMs: 50 });
    await projector.start();
  });

  it('reads bound to a tenant never see another tenant, even without a tenant predicate', async () => {
    const rows = await h.views.forTenant('globex').all<{ tenant_id: string; value: string }>('SELECT tenant_id, value FROM memory_items WHERE tenant_id = ?', ['globex']);
    expect(rows.every((r) => r.tenant_id === 'globex')).toBe(true);
    if (kind === 'postgres') {
      const unfiltered = await h.views.forTenant('globex').all<{ tenant_id: string; value: string }>('SELECT tenant_id, value FROM memory_items');
      expect(unfiltered.map((r) => r.tenant_id)).toEqual(['globex', 'globex']);
      expect(JSON.stringify(unfiltered)).not.toContain('"one"');
    }
  });
});
