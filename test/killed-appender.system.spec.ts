import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { followLog, PostgresEventStore } from '#event-store';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { until } from './support/until.js';

const STATEMENT_TIMEOUT_MS = 3000;

/**
 * An appender process killed with SIGKILL in the middle of an append: its statement keeps the
 * append in flight on the server (PostgreSQL does not notice a dead client while the statement
 * waits on a lock), and with it every reader of the log, but only until the session's statement
 * timeout ends it. The append is made to wait by a lock the test holds on the idempotency keys,
 * after its positions were reserved, exactly where a slow disk or a lock queue would hold it.
 */
describe('an appender killed in the middle of an append', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('holds readers back at most for the statement timeout, then they read on without an append', async () => {
    const blocker = new pg.Client({ connectionString: database.url });
    const observer = new pg.Client({ connectionString: database.url }); // pg_stat_activity holds still within a transaction
    await Promise.all([blocker.connect(), observer.connect()]);
    const abort = new AbortController();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE ll_idempotency_keys IN EXCLUSIVE MODE');
      const before = await store.committedPosition();
      const appender = startAppender(database.url);
      await until(async () => ((await observer.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ll_append%'`)).rowCount === 1 ? true : undefined), 10_000, 'the appender to wait on the lock', 10);
      const { lastGlobalPosition } = await store.append('bystander', 'after-the-stuck-one', 'no-stream', [{ type: 'Noted', data: {} }]);
      const seen: number[] = [];
      let readsAfterKill = 0;
      let killedAt = Number.POSITIVE_INFINITY;
      // An idle wait no test sits out: only the store's own wake-up makes this follower read again.
      const following = followLog(store, abort.signal, 600_000, async () => {
        if (performance.now() > killedAt) readsAfterKill++;
        for await (const batch of store.readAll({ after: seen.at(-1) ?? before })) seen.push(...batch.map((event) => event.globalPosition));
      });

      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(seen).toEqual([]); // held back behind the append in flight
      appender.kill('SIGKILL');
      killedAt = performance.now();
      expect(await appender.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await until(() => (seen.includes(lastGlobalPosition) ? true : undefined), STATEMENT_TIMEOUT_MS * 4, 'the held-back event', 10);
      const heldFor = performance.now() - killedAt;
      console.log(`readers held back ${heldFor.toFixed(0)} ms after the appender was killed (statement timeout ${STATEMENT_TIMEOUT_MS} ms)`);
      // Not at once (the dead session's statement still ran), and not longer than its timeout (plus the reader's re-check).
      expect(heldFor).toBeGreaterThan(STATEMENT_TIMEOUT_MS / 3);
      expect(heldFor).toBeLessThan(STATEMENT_TIMEOUT_MS + 1000);
      expect(readsAfterKill).toBeGreaterThan(0);
      expect(seen).toEqual([lastGlobalPosition]); // the killed append wrote nothing
      expect(await store.readStream('victim', 'stuck')).toEqual([]);
      abort.abort();
      await following;
    } finally {
      abort.abort();
      await blocker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([blocker.end(), observer.end()]);
    }
  }, 60_000);
});

/** A process of its own that appends with an idempotency key, with the platform's session limits but a short statement timeout. */
function startAppender(url: string): { kill: (signal: NodeJS.Signals) => void; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const script = `
    const { PostgresEventStore } = await import(${JSON.stringify(new URL('../dist/libs/event-store/src/index.js', import.meta.url).href)});
    const store = await PostgresEventStore.connect({ connectionString: process.env.URL, poolSize: 1, statementTimeoutMs: ${STATEMENT_TIMEOUT_MS} });
    await store.append('victim', 'stuck', 'no-stream', [{ type: 'Stuck', data: {} }], { idempotencyKey: 'stuck-1' });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: url }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { kill: (signal) => child.kill(signal), exited };
}
