import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, DomainError, IllegalStateError } from '#core';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { createTestDatabase } from '../../../event-store/src/postgres/postgres-test-database.js';
import { loadCheckpoint } from '../checkpoints.js';
import { PostgresViewDb } from '../postgres-view-db.js';
import type { Projection } from '../projection.js';
import { Projector } from '../projector.js';
import { SqliteViewDb } from '../sqlite-view-db.js';
import type { ViewDb, ViewSql } from '../view-db.port.js';
import { REBUILDS_TABLE } from './rebuild-state.js';
import { ViewRebuild } from './view-rebuild.js';
import { ViewsRebuild } from './views-rebuild.js';

/**
 * Two tables, one kept from the other: `rb_totals` adds amounts (an event applied twice shows),
 * `rb_latest` copies the running total read back from `rb_totals` (reads go to the shadow too).
 */
const countersProjection: Projection = {
  name: 'rb_counters',
  version: 1,
  tables: {
    rb_totals: 'CREATE TABLE rb_totals (tenant_id TEXT NOT NULL, counter TEXT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (tenant_id, counter))',
    rb_latest: 'CREATE TABLE rb_latest (tenant_id TEXT NOT NULL, counter TEXT NOT NULL, total BIGINT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (tenant_id, counter))',
  },
  indexes: { rb_totals_by_total: 'CREATE INDEX rb_totals_by_total ON rb_totals (tenant_id, total)' },
  handles: (event) => event.streamId.startsWith('counter-'),
  async apply(tx: ViewSql, event) {
    const counter = event.streamId;
    const amount = (event.data as { amount: number }).amount;
    await tx.run(
      'INSERT INTO rb_totals (tenant_id, counter, total) VALUES (?, ?, ?) ON CONFLICT (tenant_id, counter) DO UPDATE SET total = rb_totals.total + excluded.total',
      [event.tenantId, counter, amount],
    );
    const [row] = await tx.all<{ total: number | string }>('SELECT total FROM rb_totals WHERE tenant_id = ? AND counter = ?', [event.tenantId, counter]);
    await tx.run(
      'INSERT INTO rb_latest (tenant_id, counter, total, position) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, counter) DO UPDATE SET total = excluded.total, position = excluded.position',
      [event.tenantId, counter, Number(row!.total), event.globalPosition],
    );
  },
};

/** Events by tenant and type, through the batch path: a batch adds its own count per type in one statement each. */
const countsProjection: Projection = {
  name: 'rb_counts',
  version: 1,
  tables: { rb_counts: 'CREATE TABLE rb_counts (tenant_id TEXT NOT NULL, type TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (tenant_id, type))' },
  handles: () => true,
  apply(tx, event) {
    return countsProjection.applyBatch!(tx, [event]);
  },
  async applyBatch(tx, events) {
    const counts = new Map<string, { tenantId: string; type: string; n: number }>();
    for (const { tenantId, type } of events) {
      const count = counts.get(`${tenantId}/${type}`) ?? { tenantId, type, n: 0 };
      count.n += 1;
      counts.set(`${tenantId}/${type}`, count);
    }
    for (const { tenantId, type, n } of counts.values()) {
      await tx.run('INSERT INTO rb_counts (tenant_id, type, n) VALUES (?, ?, ?) ON CONFLICT (tenant_id, type) DO UPDATE SET n = rb_counts.n + excluded.n', [tenantId, type, n]);
    }
  },
};

interface Harness {
  store: EventStore;
  /** What the platform uses: the live projector and the readers. */
  live: ViewDb;
  /** What the replay uses: its own connections to the same views (another process, in production). */
  other: ViewDb;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres'): Promise<Harness> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-rebuild-'));
    const views = join(dir, 'views.db');
    return {
      store: SqliteEventStore.open({ path: join(dir, 'events.db') }),
      live: SqliteViewDb.open(views),
      other: SqliteViewDb.open(views),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = await createTestDatabase();
  return {
    store: await PostgresEventStore.connect({ connectionString: database.url }),
    live: PostgresViewDb.connect(database.url),
    other: PostgresViewDb.connect(database.url),
    cleanup: database.drop,
  };
}

const TENANTS = ['acme', 'globex'];
const add = (amount: number): NewEvent => ({ type: 'Added', data: { amount } });
type Row = Record<string, unknown>;
const dumpTable = async (db: ViewSql, table: string): Promise<Row[]> =>
  (await db.all<Row>(`SELECT * FROM ${table} ORDER BY tenant_id, counter`)).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
const dump = async (db: ViewSql): Promise<Record<string, Row[]>> => ({ rb_totals: await dumpTable(db, 'rb_totals'), rb_latest: await dumpTable(db, 'rb_latest') });

describe.each(['sqlite', 'postgres'] as const)('online rebuild of a view on %s', (kind) => {
  let h: Harness;
  let projector: Projector;
  /** What every counter must add up to: the sum of the amounts appended. */
  const expected = new Map<string, number>();
  const versions = new Map<string, number>();

  async function append(tenant: string, counter: string, amounts: number[]): Promise<void> {
    const stream = `counter-${counter}`;
    const result = await h.store.append(tenant, stream, versions.get(`${tenant}/${stream}`) ?? 'no-stream', amounts.map(add));
    versions.set(`${tenant}/${stream}`, result.nextExpectedVersion);
    expected.set(`${tenant}/${stream}`, (expected.get(`${tenant}/${stream}`) ?? 0) + amounts.reduce((a, b) => a + b, 0));
  }

  async function expectTotals(db: ViewSql = h.live): Promise<void> {
    await projector.caughtUpWith();
    const totals = await dumpTable(db, 'rb_totals');
    expect(new Map(totals.map((r) => [`${r.tenant_id}/${r.counter}`, Number(r.total)]))).toEqual(expected);
    const latest = await dumpTable(db, 'rb_latest');
    expect(latest.map((r) => Number(r.total))).toEqual(totals.map((r) => Number(r.total)));
  }

  const rebuild = (options: ConstructorParameters<typeof ViewRebuild>[3] = {}) => new ViewRebuild(h.store, h.other, countersProjection, { batchSize: 10, ...options });

  beforeAll(async () => {
    h = await harness(kind);
    for (let i = 0; i < 40; i += 1) {
      for (const tenant of TENANTS) await append(tenant, `c${i % 7}`, Array.from({ length: 12 }, (_, n) => i + n));
      await h.store.append('acme', `other-${i}`, 'no-stream', [{ type: 'Unrelated', data: {} }]);
    }
    projector = new Projector(h.store, h.live, countersProjection, { idleWaitMs: 20 });
    await projector.start();
  });
  afterAll(async () => {
    await projector?.stop();
    await h?.other.close();
    await h?.live.close();
    await h?.store.close();
    await h?.cleanup();
  });

  it('switches in a shadow equal to the view it replaces, every table and tenant, at the live checkpoint', async () => {
    await expectTotals();
    expect(await indexesOf(h.live, kind, 'rb_totals')).toEqual(['rb_totals_by_total']);
    const before = await dump(h.live);
    const progress: Array<[number, number, number]> = [];
    const result = await rebuild({ onProgress: (...args) => progress.push(args) }).run();
    expect(result).toMatchObject({ projection: 'rb_counters', outcome: 'switched', resumedFrom: 0, generation: 1 });
    expect(result.position).toBe((await loadCheckpoint(h.live, 'rb_counters'))!.position);
    expect(result.eventsApplied).toBe(result.position);
    expect(await dump(h.live)).toEqual(before);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map(([position]) => position)).toEqual([...progress.map(([position]) => position)].sort((a, b) => a - b));
    expect(progress[progress.length - 1]![0]).toBe(result.position);
    const [state] = await h.live.all<{ active: number | string; generation: number | string }>(`SELECT active, generation FROM ${REBUILDS_TABLE} WHERE name = 'rb_counters'`);
    expect([Number(state!.active), Number(state!.generation)]).toEqual([0, 1]);
    expect(await indexesOf(h.live, kind, 'rb_totals')).toEqual(['rb_totals_by_total__r1']);
  });

  it('keeps answering from the old view while it rebuilds, and the switched view has every event appended meanwhile exactly once', async () => {
    const rowsBefore = (await dumpTable(h.live, 'rb_totals')).length;
    let rebuilding = true;
    let reads = 0;
    const appender = (async () => {
      for (let i = 0; (rebuilding && i < 400) || i < 5; i += 1) {
        await append(TENANTS[i % 2]!, `c${i % 9}`, [1]);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const reader = (async () => {
      let lastSum = 0;
      while (rebuilding) {
        const totals = await dumpTable(h.live, 'rb_totals');
        // Never empty, never a half-built shadow: at least the rows there were, sums never going back.
        expect(totals.length).toBeGreaterThanOrEqual(rowsBefore);
        const sum = totals.reduce((s, r) => s + Number(r.total), 0);
        expect(sum).toBeGreaterThanOrEqual(lastSum);
        lastSum = sum;
        reads += 1;
        if (kind === 'postgres') expect((await h.live.forTenant('acme').all('SELECT counter FROM rb_totals')).length).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const result = await rebuild({ batchSize: 5 }).run().finally(() => (rebuilding = false));
    await Promise.all([appender, reader]);
    expect(result.outcome).toBe('switched');
    expect(reads).toBeGreaterThan(0);
    await expectTotals();
  });

  it('never takes the shadow past the live checkpoint: a lagging live projector applies the later events after the switch, once', async () => {
    await projector.stop();
    for (let i = 0; i < 30; i += 1) await append(TENANTS[i % 2]!, `lag${i % 4}`, [5, i]);
    const saved = (await loadCheckpoint(h.live, 'rb_counters'))!.position;
    const result = await rebuild().run();
    expect(result).toMatchObject({ outcome: 'switched', position: saved });
    projector = new Projector(h.store, h.live, countersProjection, { idleWaitMs: 20 });
    await projector.start();
    await expectTotals();
  });

  it('resumes an interrupted rebuild from its checkpoint, and gives the same view', async () => {
    const controller = new AbortController();
    let batches = 0;
    const stopped = await rebuild({ signal: controller.signal, onProgress: () => (++batches === 4 ? controller.abort() : undefined) }).run();
    expect(stopped.outcome).toBe('interrupted');
    expect(stopped.position).toBeGreaterThan(0);
    const [state] = await h.live.all<{ position: number | string; active: number | string }>(`SELECT position, active FROM ${REBUILDS_TABLE} WHERE name = 'rb_counters'`);
    expect([Number(state!.position), Number(state!.active)]).toEqual([stopped.position, 1]);
    await append('globex', 'late', [40, 2]);
    await expectTotals(); // the live view went on meanwhile

    const resumed = await rebuild().run();
    expect(resumed).toMatchObject({ outcome: 'switched', resumedFrom: stopped.position, generation: stopped.generation });
    await expectTotals();
  });

  it('rebuilds several views in one pass over the log, each from its own checkpoint, to the rows their live projectors built', async () => {
    const counts = new Projector(h.store, h.live, countsProjection, { idleWaitMs: 20 });
    await counts.start();
    try {
      const controller = new AbortController();
      const stopped = await rebuild({ signal: controller.signal, onProgress: (position) => (position > 0 ? controller.abort() : undefined) }).run();
      expect(stopped.outcome).toBe('interrupted');
      await append('acme', 'during', [5]);
      await counts.caughtUpWith();
      await projector.caughtUpWith();
      const countsBefore = await h.live.all<Row>('SELECT * FROM rb_counts ORDER BY tenant_id, type');
      const head = await h.store.headPosition();

      const both = await new ViewsRebuild(h.store, h.other, [countersProjection, countsProjection], { batchSize: 10 }).run();
      expect(both.outcome).toBe('switched');
      expect(both.views).toMatchObject([
        { projection: 'rb_counters', outcome: 'switched', resumedFrom: stopped.position, eventsApplied: head - stopped.position },
        { projection: 'rb_counts', outcome: 'switched', resumedFrom: 0, eventsApplied: head },
      ]);
      // The log was read once, from the lower checkpoint: not once per view.
      expect(both.eventsRead).toBe(head);
      expect(await h.live.all<Row>('SELECT * FROM rb_counts ORDER BY tenant_id, type')).toEqual(countsBefore);
      await expectTotals();
    } finally {
      await counts.stop();
    }
  });

  it('starts over with restart, dropping the unfinished shadow', async () => {
    const controller = new AbortController();
    const stopped = await rebuild({ signal: controller.signal, onProgress: () => controller.abort() }).run();
    expect(stopped.outcome).toBe('interrupted');
    const again = await rebuild({ restart: true }).run();
    expect(again).toMatchObject({ outcome: 'switched', resumedFrom: 0, generation: stopped.generation + 1 });
    expect(await tablesLike(h.live, kind, `rb_totals__r${stopped.generation}`)).toEqual([]);
    expect(await indexesOf(h.live, kind, 'rb_totals')).toEqual([`rb_totals_by_total__r${again.generation}`]);
    await expectTotals();
  });

  it('rebuilds one tenant\'s rows only: repairs them and leaves the other tenant\'s rows as they are', async () => {
    await projector.caughtUpWith();
    await h.live.transaction(async (tx) => {
      await tx.run("UPDATE rb_totals SET total = -1 WHERE tenant_id IN ('acme', 'globex') AND counter = 'counter-c1'");
      await tx.run("INSERT INTO rb_latest (tenant_id, counter, total, position) VALUES ('acme', 'bogus', 0, 0), ('globex', 'bogus', 0, 0)");
    });
    const globexBefore = (await dump(h.live)) as Record<string, Row[]>;
    const result = await rebuild({ tenantId: 'acme' }).run();
    expect(result).toMatchObject({ outcome: 'switched', tenantId: 'acme' });
    const after = await dump(h.live);
    for (const table of ['rb_totals', 'rb_latest']) {
      expect(after[table]!.filter((r) => r.tenant_id === 'globex')).toEqual(globexBefore[table]!.filter((r) => r.tenant_id === 'globex'));
    }
    expect(after.rb_latest!.some((r) => r.tenant_id === 'acme' && r.counter === 'bogus')).toBe(false);
    expect(after.rb_totals!.find((r) => r.tenant_id === 'acme' && r.counter === 'counter-c1')!.total).toBe(expected.get('acme/counter-c1'));
    expect(await tablesLike(h.live, kind, `rb_totals__r${result.generation}`)).toEqual([]);

    await rebuild({ tenantId: 'globex' }).run();
    await expectTotals();
  });

  it('refuses a rebuild against a live view of another version, another pending scope, or a bad tenant, changing nothing', async () => {
    const rebuilds = async () => h.live.all(`SELECT * FROM ${REBUILDS_TABLE}`);
    const before = await rebuilds();
    const newer = new ViewRebuild(h.store, h.other, { ...countersProjection, version: 2 });
    await expect(newer.run()).rejects.toMatchObject({ code: 'projections.rebuild.version_mismatch' });
    await expect(newer.run()).rejects.toBeInstanceOf(IllegalStateError);
    await expect(rebuild({ tenantId: 'not a tenant' }).run()).rejects.toBeInstanceOf(DomainError);
    expect(await rebuilds()).toEqual(before);

    const controller = new AbortController();
    await rebuild({ tenantId: 'acme', signal: controller.signal, onProgress: () => controller.abort() }).run();
    const pending = await rebuilds();
    const error = await rebuild().run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('projections.rebuild.other_scope_pending');
    expect(await rebuilds()).toEqual(pending);
    await rebuild({ restart: true }).run();
    await expectTotals();
  });

  if (kind === 'postgres') {
    it('keeps row-level security on the switched tables: tenant-bound reads see their own rows only', async () => {
      await rebuild().run();
      for (const tenant of TENANTS) {
        const rows = await h.live.forTenant(tenant).all<{ tenant_id: string }>('SELECT tenant_id FROM rb_totals');
        expect(rows.length).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set([tenant]));
        const latest = await h.live.forTenant(tenant).all<{ tenant_id: string }>('SELECT tenant_id FROM rb_latest');
        expect(new Set(latest.map((r) => r.tenant_id))).toEqual(new Set([tenant]));
      }
    });
  }
});

/** The indexes a table has besides its primary key. */
async function indexesOf(db: ViewSql, kind: 'sqlite' | 'postgres', table: string): Promise<string[]> {
  const rows = kind === 'sqlite'
    ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", [table])
    : await db.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = ? AND indexname NOT LIKE '%pkey' ORDER BY indexname", [table]);
  return rows.map((row) => row.name);
}

async function tablesLike(db: ViewSql, kind: 'sqlite' | 'postgres', name: string): Promise<string[]> {
  const rows = kind === 'sqlite'
    ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [name])
    : await db.all<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE tablename = ?', [name]);
  return rows.map((row) => row.name);
}
