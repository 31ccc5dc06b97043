import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sharedViewDbs } from '../testing/shared-view-dbs.js';
import type { ViewDb } from '../view-db.port.js';
import { advanceRebuild, ensureRebuildsTable, loadRebuildState, loadRebuildStates, REBUILDS_TABLE, saveRebuildState } from './rebuild-state.js';

describe.each(['sqlite', 'postgres'] as const)('the online rebuilds table on %s', (kind) => {
  let db: ViewDb;
  let other: ViewDb;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const shared = await sharedViewDbs(kind);
    [db, other] = shared.dbs as [ViewDb, ViewDb];
    close = shared.close;
  });
  afterAll(async () => close?.());

  it('adds updated_at to a table made before it existed, keeping its rows, once whoever asks', async () => {
    await db.run(`CREATE TABLE ${REBUILDS_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, tenant_scope TEXT NOT NULL,
      position BIGINT NOT NULL, live_version INTEGER NOT NULL, active INTEGER NOT NULL)`);
    await db.run(`INSERT INTO ${REBUILDS_TABLE} (name, generation, tenant_scope, position, live_version, active) VALUES ('old', 1, '', 40, 2, 1)`);
    expect(await loadRebuildState(db, 'old')).toEqual({ projection: 'old', generation: 1, tenantScope: '', position: 40, liveVersion: 2, active: true });

    // Two processes at once on PostgreSQL; SQLite's views have one process (two connections of one process would wait on each other's lock).
    if (kind === 'postgres') await Promise.all([ensureRebuildsTable(db), ensureRebuildsTable(other)]);
    else for (const views of [db, other]) await ensureRebuildsTable(views);
    await ensureRebuildsTable(db);
    expect(await loadRebuildState(db, 'old')).toEqual({ projection: 'old', generation: 1, tenantScope: '', position: 40, liveVersion: 2, active: true });
  });

  it('stamps the time of every save and every batch, for an operator to tell a replay at work from an interrupted one', async () => {
    const before = Date.now();
    const state = { projection: 'runs', generation: 3, tenantScope: 'acme', position: 0, liveVersion: 2, active: true };
    await db.transaction((tx) => saveRebuildState(tx, state));
    const saved = (await loadRebuildStates(db)).get('runs')!;
    expect(saved).toMatchObject(state);
    expect(saved.updatedAt).toBeGreaterThanOrEqual(before);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await db.transaction((tx) => advanceRebuild(tx, state, 120));
    const advanced = (await loadRebuildStates(db)).get('runs')!;
    expect(advanced).toMatchObject({ position: 120, active: true });
    expect(advanced.updatedAt).toBeGreaterThan(saved.updatedAt!);
    expect([...(await loadRebuildStates(db)).keys()].sort()).toEqual(['old', 'runs']);
  });
});
