import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '#event-store';
import { CHECKPOINTS_TABLE, ensureCheckpointsTable, PARTITION_CHECKPOINTS_TABLE } from './checkpoints.js';
import type { Projection } from './projection.js';
import { Projector } from './projector.js';
import { SqliteViewDb } from './sqlite-view-db.js';
import type { ViewSql } from './view-db.port.js';
import { ViewWatch } from './view-watch.js';

const VIEWS = 5;

const projectionNamed = (name: string): Projection => ({ name, version: 1, tables: {}, handles: () => false, apply: async () => undefined });

/**
 * One process watching the views other processes apply: one poll reads every view's positions (two
 * queries, however many views), and a read that starts waiting does not sit out the idle interval.
 */
describe('ViewWatch: every view of a process watched with one poll', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: SqliteViewDb;
  let queries = 0;
  /** The real view database, counting the reads made through it. */
  let counted: ViewSql;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-view-watch-'));
    store = SqliteEventStore.open({ path: join(dir, 'events.db') });
    db = SqliteViewDb.open(join(dir, 'views.db'));
    await ensureCheckpointsTable(db);
    for (let n = 0; n < VIEWS; n++) await db.run(`INSERT INTO ${CHECKPOINTS_TABLE} (name, version, position) VALUES (?, 1, 0)`, [`view_${n}`]);
    // view_0 is fed by a bus of two partitions: its positions are per partition.
    for (const part of [0, 1]) await db.run(`INSERT INTO ${PARTITION_CHECKPOINTS_TABLE} (name, part, position) VALUES ('view_0', ?, 0)`, [part]);
    counted = { run: (sql, params) => db.run(sql, params), all: (sql, params) => (queries++, db.all(sql, params)) };
  });
  afterAll(async () => {
    await db?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads all the views\' positions in two queries a poll, and polls at once for a read that starts waiting', async () => {
    const projectors = Array.from({ length: VIEWS }, (_, n) => new Projector(store, db, projectionNamed(`view_${n}`)));
    // An idle interval no test waits out: whatever resolves below was polled for by the nudge.
    const watch = new ViewWatch(counted, () => projectors, { idlePollMs: 600_000, waitingPollMs: 5 });
    for (const projector of projectors) projector.watchWith(() => watch.nudge());
    watch.start();
    try {
      while (queries < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(queries).toBe(2); // the first poll, for all five views; then the idle interval

      // Another process applies events: view_3 to 40, and view_0's partitions to 30 and 50.
      await db.run(`UPDATE ${CHECKPOINTS_TABLE} SET position = 40 WHERE name = 'view_3'`);
      await db.run(`UPDATE ${PARTITION_CHECKPOINTS_TABLE} SET position = CASE part WHEN 0 THEN 30 ELSE 50 END WHERE name = 'view_0'`);
      await projectors[3]!.reached(40);
      expect(projectors[3]!.checkpoint).toBe(40);
      await projectors[0]!.reached(30);
      expect(projectors[0]!.checkpoint).toBe(30); // the lowest partition: every tenant's events up to 30
      expect(projectors[1]!.checkpoint).toBe(0);

      // A read that waits keeps the watch polling (fast) until its position comes, and no longer.
      const before = queries;
      const waiting = projectors[2]!.reached(7);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(queries).toBeGreaterThanOrEqual(before + 4); // the nudged poll, then more
      await db.run(`UPDATE ${CHECKPOINTS_TABLE} SET position = 7 WHERE name = 'view_2'`);
      await waiting;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const settled = queries;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(queries).toBe(settled);
      expect(queries % 2).toBe(0); // two queries a poll, whole polls only
    } finally {
      await watch.stop();
    }
  });

  it('leaves a view alone once it is no longer watched (this process applies it now)', async () => {
    const projector = new Projector(store, db, projectionNamed('view_4'));
    const watch = new ViewWatch(counted, () => [projector], { idlePollMs: 600_000, waitingPollMs: 5 });
    projector.watchWith(() => watch.nudge());
    watch.start();
    try {
      await db.run(`UPDATE ${CHECKPOINTS_TABLE} SET position = 12 WHERE name = 'view_4'`);
      await projector.reached(12);
      await projector.stop();
      expect(projector.watched).toBe(false);
      const before = queries;
      watch.nudge();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(queries).toBe(before);
    } finally {
      await watch.stop();
    }
  });
});
