import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { collect, eventStoreContract, events, replayOf, tenant } from '../testing/event-store.contract.js';
import { followLog } from '../follow-log.js';
import { subscribe } from '../subscription.js';
import type { AppendResult, RecordedEvent } from '../event-store.port.js';
import { findChainBreak } from '../hash-chain.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { TENANT_LOCK_CLASS, TENANT_ROLE, TENANT_SETTING } from './postgres.schema.js';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from '../event-store.errors.js';
import { createTestDatabase } from './postgres-test-database.js';

eventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  return {
    open: (options = {}) => PostgresEventStore.connect({ connectionString: database.url, ...options }),
    cleanup: database.drop,
  };
});

describe('PostgresEventStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('an open transaction that is not an append holds no reader back, on any table, in any database', async () => {
    const t = tenant();
    const foreign = new pg.Client({ connectionString: database.url });
    const elsewhere = await createTestDatabase();
    const foreignElsewhere = new pg.Client({ connectionString: elsewhere.url });
    await Promise.all([foreign.connect(), foreignElsewhere.connect()]);
    try {
      // As an operator's psql session, a reporting job or a migration would: a transaction id, a written row, locks.
      await foreign.query('BEGIN');
      await foreign.query('SELECT pg_current_xact_id()');
      await foreign.query(`INSERT INTO ll_checkpoints (subscription_id, position) VALUES ('foreign-${t}', 1)`);
      await foreignElsewhere.query('BEGIN');
      await foreignElsewhere.query('SELECT pg_current_xact_id()');
      const { lastGlobalPosition } = await store.append(t, 'beside-a-stranger', 'no-stream', events(2));
      expect(await store.headPosition(t)).toBe(lastGlobalPosition);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(lastGlobalPosition);
      expect((await collect(store.readAll({ after: lastGlobalPosition - 2 }))).map((e) => e.globalPosition)).toEqual([lastGlobalPosition - 1, lastGlobalPosition]);
    } finally {
      await Promise.all([foreign.end(), foreignElsewhere.end()]);
      await elsewhere.drop();
    }
  });

  it('holds the safe head back behind an append in flight, while committedPosition names the last commit (what read-your-writes waits for)', async () => {
    const t = tenant();
    const appender = new pg.Client({ connectionString: database.url });
    await appender.connect();
    try {
      await appender.query('BEGIN');
      const held = await appendInOpenTransaction(appender, tenant(), 'in-flight');
      const { lastGlobalPosition } = await store.append(t, 'after-the-open-one', 'no-stream', events(1));
      expect(lastGlobalPosition).toBeGreaterThan(held);
      expect(await store.committedPosition(t)).toBe(lastGlobalPosition);
      expect(await store.committedPosition()).toBeGreaterThanOrEqual(lastGlobalPosition);
      expect(await store.headPosition(t)).toBeLessThan(lastGlobalPosition);
      expect(await store.headPosition()).toBe(held - 1);
      await appender.query('COMMIT');
      expect(await store.headPosition(t)).toBe(lastGlobalPosition);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(lastGlobalPosition);
    } finally {
      await appender.end();
    }
  });

  it('wakes a reader that stopped at the safe head once the append holding an event back ends unannounced, without an append or the idle wait', async () => {
    const t = tenant();
    const appender = new pg.Client({ connectionString: database.url });
    await appender.connect();
    const abort = new AbortController();
    try {
      const before = await store.committedPosition();
      await appender.query('BEGIN');
      await appendInOpenTransaction(appender, tenant(), 'abandoned'); // an append in flight whose process will not say it ended
      const { lastGlobalPosition } = await store.append(t, 'held-back', 'no-stream', events(1));
      const seen: number[] = [];
      let rounds = 0;
      // An idle wait no test sits out: only a wake-up makes this follower read again.
      const following = followLog(store, abort.signal, 600_000, async () => {
        for await (const batch of store.readAll({ after: seen.at(-1) ?? before })) seen.push(...batch.map((event) => event.globalPosition));
        rounds++;
      });
      while (rounds === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen).toEqual([]); // held back behind the append in flight
      await appender.query('ROLLBACK'); // which tells nobody
      while (!seen.includes(lastGlobalPosition)) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen).toEqual([lastGlobalPosition]);
      abort.abort();
      await following;
    } finally {
      abort.abort();
      await appender.end();
    }
  });

  it('a held-back re-check that comes while the listener is still connecting is not lost', async () => {
    // New connections through this proxy take 300 ms: the pool is warmed first, so only the listener is slow.
    const proxy = await startSlowProxy(new URL(database.url), 300);
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const fresh = await PostgresEventStore.connect({ connectionString: url.toString(), poolSize: 1 });
    const appender = new pg.Client({ connectionString: database.url });
    await appender.connect();
    try {
      await appender.query('BEGIN');
      await appendInOpenTransaction(appender, tenant(), 'in-flight');
      await store.append(tenant(), 'held-back', 'no-stream', events(1));
      const woken = fresh.waitForAppend(600_000);
      await fresh.headPosition(); // held back: the store re-checks in 5 ms, long before its listener is up
      const outcome = await Promise.race([woken.then(() => 'woken'), new Promise((resolve) => setTimeout(resolve, 3000, 'lost'))]);
      expect(outcome).toBe('woken');
    } finally {
      await appender.query('ROLLBACK').catch(() => undefined);
      await appender.end();
      await fresh.close();
      proxy.close();
    }
  });

  it('wakes its readers once for its own append (at commit), not again when its NOTIFY comes back; another process\'s append wakes them', async () => {
    const own = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    try {
      // The listener is up once an append of another store wakes this one.
      const heard = own.waitForAppend(10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await store.append(tenant(), 'elsewhere', 'no-stream', events(1));
      const heardAt = Date.now();
      await heard;
      expect(Date.now() - heardAt).toBeLessThan(5000);

      await own.append(tenant(), 'own', 'no-stream', events(1));
      const armedAt = Date.now();
      await own.waitForAppend(400); // the NOTIFY it sent arrives within this wait: it must not wake it
      expect(Date.now() - armedAt).toBeGreaterThanOrEqual(390);

      const other = own.waitForAppend(10_000);
      await store.append(tenant(), 'elsewhere-again', 'no-stream', events(1));
      const otherAt = Date.now();
      await other;
      expect(Date.now() - otherAt).toBeLessThan(5000);
    } finally {
      await own.close();
    }
  });

  it('a follower reading sinceLastWake sees its own appends at once and another process\'s once woken, and a held-back event once its holder ends', async () => {
    const follower = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    const appender = new pg.Client({ connectionString: database.url });
    await appender.connect();
    const positionsAfter = async (after: number) => (await collect(follower.readAll({ after, sinceLastWake: true }))).map((event) => event.streamId);
    try {
      const start = await follower.headPosition();
      expect(await positionsAfter(start)).toEqual([]); // reads the head once: nothing woke it since
      await follower.append(tenant(), 'own-append', 'no-stream', events(1));
      expect(await positionsAfter(start)).toEqual(['own-append']);

      const woken = follower.waitForAppend(10_000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // its listener is up
      await store.append(tenant(), 'elsewhere', 'no-stream', events(1));
      await woken;
      expect(await positionsAfter(start)).toEqual(['own-append', 'elsewhere']);

      // Held back behind an append in flight elsewhere, then readable once it rolls back: the store's re-check wakes the follower.
      await appender.query('BEGIN');
      await appendInOpenTransaction(appender, tenant(), 'in-flight');
      await store.append(tenant(), 'behind-it', 'no-stream', events(1));
      const behind = follower.waitForAppend(10_000);
      await behind;
      expect(await positionsAfter(start)).toEqual(['own-append', 'elsewhere']);
      await appender.query('ROLLBACK');
      const deadline = Date.now() + 5000;
      let seen: string[] = [];
      while (Date.now() < deadline && !seen.includes('behind-it')) {
        await follower.waitForAppend(1000);
        seen = await positionsAfter(start);
      }
      expect(seen).toEqual(['own-append', 'elsewhere', 'behind-it']);
    } finally {
      await appender.query('ROLLBACK').catch(() => undefined);
      await appender.end();
      await follower.close();
    }
  });

  it('row-level security confines a tenant-bound connection to its tenant, whatever SQL it runs', async () => {
    const a = tenant();
    const b = tenant();
    await store.append(a, 'invoice-1', 'no-stream', [{ type: 'InvoiceIssued', data: { customer: 'secret-of-a' } }]);
    await store.append(b, 'invoice-1', 'no-stream', events(2));

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('role', $1, true), set_config($2, $3, true)`, [TENANT_ROLE, TENANT_SETTING, b]);
      const everything = await client.query<{ tenant_id: string; data: unknown }>('SELECT tenant_id, data FROM ll_events');
      expect(everything.rows.map((r) => r.tenant_id)).toEqual([b, b]);
      expect(JSON.stringify(everything.rows)).not.toContain('secret-of-a');
      expect((await client.query('SELECT * FROM ll_events WHERE tenant_id = $1', [a])).rowCount).toBe(0);
      expect((await client.query('SELECT * FROM ll_idempotency_keys WHERE tenant_id = $1', [a])).rowCount).toBe(0);
      await client.query('SAVEPOINT attempt');
      await expect(client.query(`INSERT INTO ll_events (tenant_id, tenant_position, stream_id, stream_version, event_id, type,
        schema_version, data, metadata, recorded_at, hash) VALUES ($1, 99, 'forged', 1, gen_random_uuid(), 'Forged', 1, '{}', '{}', '', '')`, [a]))
        .rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK TO SAVEPOINT attempt');
      await expect(client.query(`UPDATE ll_events SET hash = 'x'`)).rejects.toThrow(/permission denied/);
      await client.query('ROLLBACK TO SAVEPOINT attempt');
      await expect(
        client.query(`INSERT INTO ll_idempotency_keys (tenant_id, idempotency_key, request_hash, result) VALUES ($1, 'forged', 'x', '{}')`, [a]),
      ).rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      await client.query(`SELECT set_config('role', $1, true)`, [TENANT_ROLE]);
      expect((await client.query('SELECT * FROM ll_events')).rowCount).toBe(0);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    expect((await store.readStream(a, 'invoice-1'))[0]!.data).toEqual({ customer: 'secret-of-a' });
  });

  it('concurrent writers on several connections: a tailing reader sees every event exactly once, in order', async () => {
    // Make transactions commit out of position order: a random pause between reserving positions
    // and committing, inside the server, as slow disks and busy hosts do.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`CREATE FUNCTION ll_test_jitter() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(random() * 0.01); RETURN NULL; END $$`);
    await admin.query('CREATE TRIGGER ll_test_jitter AFTER INSERT ON ll_events FOR EACH STATEMENT EXECUTE FUNCTION ll_test_jitter()');
    try {
      const writers = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.connect({ connectionString: database.url, poolSize: 4 })));
      const reader = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
      const start = await reader.headPosition();
      await reader.checkpoints.save('tail', start);
      const seen: RecordedEvent[] = [];
      const tail = subscribe(reader, { subscriptionId: 'tail', handle: (e) => void seen.push(e), batchSize: 50, idleWaitMs: 20 });

      // A naive reader that trusts positions alone; it shows the reordering really happens.
      let naiveAfter = start;
      const naiveSeen = new Set<string>();
      let writing = true;
      const naive = (async () => {
        for (let draining = false; !draining; ) {
          draining = !writing;
          const { rows } = await admin.query<{ global_position: string; event_id: string }>(
            'SELECT global_position, event_id FROM ll_events WHERE global_position > $1 ORDER BY global_position LIMIT 500',
            [naiveAfter],
          );
          for (const row of rows) naiveSeen.add(row.event_id);
          if (rows.length > 0) naiveAfter = Number(rows[rows.length - 1]!.global_position);
        }
      })();

      const tenants = Array.from({ length: 8 }, () => tenant());
      const appended: string[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          const writer = writers[w % writers.length]!;
          for (let i = 0; i < 25; i++) {
            const result = await writer.append(tenants[(w + i) % tenants.length]!, `w${w}-s${i % 3}`, 'any', events(1 + (i % 3)));
            appended.push(...result.eventIds);
          }
        }),
      );
      writing = false;
      await naive;
      const last = Math.max(...(await collect(reader.readAll({ after: start }))).map((e) => e.globalPosition));
      await tail.reached(last);
      await tail.stop();

      expect(seen.length).toBe(appended.length);
      expect(new Set(seen.map((e) => e.eventId))).toEqual(new Set(appended));
      expect(seen.every((e, i) => i === 0 || e.globalPosition > seen[i - 1]!.globalPosition)).toBe(true);
      // Without the in-flight rule, a reader skips events that committed after a higher position.
      expect(naiveSeen.size).toBeLessThan(appended.length);

      for (const t of tenants) {
        const chain = seen.filter((e) => e.tenantId === t);
        expect(chain.map((e) => e.tenantPosition)).toEqual(Array.from({ length: chain.length }, (_, i) => i + 1));
      }
      await Promise.all([...writers, reader].map((s) => s.close()));
    } finally {
      await admin.query('DROP TRIGGER ll_test_jitter ON ll_events');
      await admin.end();
    }
  });
});

describe('PostgresEventStore group commit', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  /**
   * Makes the next appends of `store` one group: two appends to a tenant whose lock a foreign
   * transaction holds take both of the store's group slots, so everything appended meanwhile
   * queues and goes as one group once the lock is released. Returns the release.
   */
  async function holdGroupSlots(store: PostgresEventStore): Promise<{ release: () => Promise<void> }> {
    const blocked = tenant();
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TENANT_LOCK_CLASS, blocked]);
    const blockers = [store.append(blocked, 'b-1', 'any', events(1)), store.append(blocked, 'b-2', 'any', events(1))];
    // Both are at the database, waiting for the lock.
    for (let waiting = 0; waiting < 2; await new Promise((r) => setTimeout(r, 10))) {
      const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      waiting = Number(rows[0]!.n);
    }
    return {
      release: async () => {
        await holder.query('COMMIT');
        await holder.end();
        await Promise.all(blockers);
      },
    };
  }

  async function transactionsOf(tenantIds: string[]): Promise<number> {
    const { rows } = await admin.query<{ n: string }>('SELECT count(DISTINCT transaction_id) AS n FROM ll_events WHERE tenant_id = ANY($1)', [tenantIds]);
    return Number(rows[0]!.n);
  }

  it('appends that arrive together commit in one transaction, each with its own outcome, later ones seeing earlier ones', async () => {
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    try {
      const [a, b] = [tenant(), tenant()];
      const slots = await holdGroupSlots(store);
      const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));
      const outcomes = [
        settle(store.append(a, 'order-1', 'no-stream', events(2))),
        settle(store.append(a, 'order-1', 2, events(1))),
        settle(store.append(a, 'order-1', 2, events(1))), // the one before took version 3
        settle(store.append(b, 'order-1', 'no-stream', events(1), { idempotencyKey: 'k-1' })),
        settle(store.append(b, 'order-1', 'no-stream', events(1), { idempotencyKey: 'k-1' })),
        settle(store.append(b, 'order-2', 'any', events(1, 'Other'), { idempotencyKey: 'k-1' })),
        settle(store.append(a, 'order-2', 'any', events(3))),
      ];
      await slots.release();
      const [first, second, conflict, keyed, replayed, reused, last] = await Promise.all(outcomes);

      expect(first).toMatchObject({ value: { nextExpectedVersion: 2, replayed: false } });
      expect(second).toMatchObject({ value: { nextExpectedVersion: 3 } });
      expect((conflict as { error: unknown }).error).toBeInstanceOf(WrongExpectedVersionError);
      expect(keyed).toMatchObject({ value: { nextExpectedVersion: 1, replayed: false } });
      const keyedResult = (keyed as { value: { eventIds: string[] } }).value;
      expect(replayed).toEqual({ value: replayOf(keyedResult as AppendResult) });
      expect((reused as { error: unknown }).error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(last).toMatchObject({ value: { nextExpectedVersion: 3 } });
      expect(await transactionsOf([a, b])).toBe(1);

      // What was refused wrote nothing; what was accepted forms each tenant's chain, in order.
      const stored = await collect(store.readAll({ tenantId: a }));
      expect(stored.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual(['order-1@1', 'order-1@2', 'order-1@3', 'order-2@1', 'order-2@2', 'order-2@3']);
      expect(stored.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await collect(store.readAll({ tenantId: b }))).map((e) => e.streamId)).toEqual(['order-1']);
    } finally {
      await store.close();
    }
  });

  it('in a group, a refused append leaves its stream, chain and key as it found them for the next one', async () => {
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    try {
      const t = tenant();
      await store.append(t, 'seen', 'no-stream', events(2));
      const slots = await holdGroupSlots(store);
      const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));
      const outcomes = [
        settle(store.append(t, 'seen', 5, events(1), { idempotencyKey: 'k-2' })), // conflict: the key stays free
        settle(store.append(t, 'seen', 2, events(1), { idempotencyKey: 'k-2' })),
        settle(store.append(t, 'other', 'no-stream', events(2))),
        settle(store.append(t, 'seen', 3, events(1))),
      ];
      await slots.release();
      const [conflict, keyed, other, last] = await Promise.all(outcomes);
      expect((conflict as { error: unknown }).error).toBeInstanceOf(WrongExpectedVersionError);
      expect(keyed).toMatchObject({ value: { nextExpectedVersion: 3, replayed: false } });
      expect(other).toMatchObject({ value: { nextExpectedVersion: 2 } });
      expect(last).toMatchObject({ value: { nextExpectedVersion: 4 } });
      const chain = await collect(store.readAll({ tenantId: t }));
      expect(chain.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(findChainBreak(chain)).toBeUndefined();
      expect(await store.findIdempotencyKey(t, 'k-2')).toMatchObject({ result: replayOf((keyed as { value: AppendResult }).value) });
    } finally {
      await store.close();
    }
  });

  it('a value the database refuses fails its own append only; the rest of its group commits', async () => {
    await admin.query(`CREATE FUNCTION ll_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.stream_id = 'poison' THEN RAISE EXCEPTION 'refused by a check of the database'; END IF; RETURN NEW; END $$`);
    await admin.query('CREATE TRIGGER ll_test_refuse BEFORE INSERT ON ll_events FOR EACH ROW EXECUTE FUNCTION ll_test_refuse()');
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    try {
      const t = tenant();
      const slots = await holdGroupSlots(store);
      const good = [store.append(t, 'fine-1', 'any', events(1)), store.append(t, 'fine-2', 'any', events(2))];
      const poisoned = store.append(t, 'poison', 'any', events(1)).then(() => undefined, (error: Error) => error);
      await slots.release();
      expect((await poisoned)?.message).toContain('refused by a check of the database');
      expect((await Promise.all(good)).map((r) => r.nextExpectedVersion)).toEqual([1, 2]);
      expect((await collect(store.readAll({ tenantId: t }))).map((e) => e.streamId)).toEqual(['fine-1', 'fine-2', 'fine-2']);
    } finally {
      await store.close();
      await admin.query('DROP TRIGGER ll_test_refuse ON ll_events');
    }
  });

  it('groups of two processes that share tenants, in opposite orders, never deadlock', async () => {
    // A deadlock would not fail an append (its group goes again one append at a time): the
    // database's own count of deadlocks tells, once the sessions that met them have ended.
    const deadlocks = async () => Number((await admin.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n);
    const before = await deadlocks();
    const [one, two] = await Promise.all([0, 1].map(() => PostgresEventStore.connect({ connectionString: database.url, poolSize: 4 })));
    let closed = false;
    try {
      const tenants = Array.from({ length: 12 }, () => tenant());
      await Promise.all([one!, two!].flatMap((store, s) => Array.from({ length: 12 }, async (_, w) => {
        for (let i = 0; i < 15; i++) {
          const t = tenants[s === 0 ? (w + i) % tenants.length : tenants.length - 1 - ((w + i) % tenants.length)]!;
          await store.append(t, `s-${s}-${w}`, 'any', events(1));
        }
      })));
      for (const t of tenants) {
        const chain = await collect(one!.readAll({ tenantId: t }));
        expect(chain.map((e) => e.tenantPosition)).toEqual(Array.from({ length: chain.length }, (_, i) => i + 1));
      }
      // Grouping happened: fewer transactions than appends.
      expect(await transactionsOf(tenants)).toBeLessThan(2 * 12 * 15);
      await Promise.all([one!.close(), two!.close()]);
      closed = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await deadlocks()).toBe(before);
    } finally {
      if (!closed) await Promise.all([one!.close(), two!.close()]);
    }
  });

  it('close lets the appends it already accepted commit before the pool ends', async () => {
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    const t = tenant();
    const appends = Array.from({ length: 20 }, (_, i) => store.append(t, `s-${i}`, 'no-stream', events(1)));
    await store.close();
    expect((await Promise.all(appends)).every((r) => r.nextExpectedVersion === 1)).toBe(true);
    await expect(store.append(t, 'late', 'any', events(1))).rejects.toThrow('closed');
  });
});

/**
 * Runs one append as the store does (ll_append), inside the caller's open transaction: until that
 * ends, the append is in flight. Returns its first position.
 */
async function appendInOpenTransaction(client: pg.Client, tenantId: string, streamId: string): Promise<number> {
  const { rows } = await client.query<{ status: string; first_position: string }>(
    `SELECT * FROM ll_append($1, $2, NULL, ARRAY[gen_random_uuid()], ARRAY['Held'], ARRAY[1], ARRAY['{}'], ARRAY['{}'], $3, NULL, NULL)`,
    [tenantId, streamId, new Date().toISOString()],
  );
  expect(rows[0]!.status).toBe('appended');
  return Number(rows[0]!.first_position);
}

/** A loopback TCP proxy to the database that holds every new connection `delayMs` before passing it on. */
async function startSlowProxy(target: URL, delayMs: number): Promise<{ port: number; close: () => void }> {
  const server = createServer((client) => {
    client.pause();
    setTimeout(() => {
      const upstream = connectTcp(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      client.resume();
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        from.on('error', () => to.destroy());
        from.on('close', () => to.destroy());
      }
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}
