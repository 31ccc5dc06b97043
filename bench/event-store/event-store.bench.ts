// Event store benchmark: the disk's fdatasync rate, then durable single appends, 64 concurrent
// writers (group commit) and readAll throughput, for SQLite and PostgreSQL, in one run on one
// machine, with PostgreSQL's own ceiling for single appends (one-row INSERT commits, one after
// another); then the cost as the log grows: the latency of single appends into an empty store and
// into one holding BENCH_GROWN_EVENTS (10,000,000) events. Medians of RUNS runs. Usage: npm run
// bench:event-store (starts PostgreSQL if DATABASE_URL is unset). BENCH_SECONDS, BENCH_RUNS,
// BENCH_GROWN_EVENTS (0 skips the growth rows) and BENCH_LATENCY_APPENDS shorten or lengthen it.
import { closeSync, fdatasyncSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { runBench } from '../support/bench-settings.js';
import { formatRate, machine, median, medianOf, ratePerSecond, writeResults } from '../support/bench-utils.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WRITERS = 64;
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 200_000);
const GROWN_EVENTS = Number(process.env.BENCH_GROWN_EVENTS ?? 10_000_000);
const LATENCY_APPENDS = Number(process.env.BENCH_LATENCY_APPENDS ?? 2000);
/** The grown log: this many tenants of GROWN_STREAMS streams each, events spread evenly. */
const GROWN_TENANTS = 1000;
const GROWN_STREAMS = 100;
const SEED_CHUNK = 1_000_000;
const SEED_DATA = JSON.stringify(event(0)[0]!.data);
const SEED_METADATA = JSON.stringify(event(0)[0]!.metadata);

function event(i: number): NewEvent[] {
  return [{
    type: 'InvoiceLineAdded',
    data: { invoice: `inv-${i % 1000}`, sku: `sku-${i % 97}`, quantity: (i % 5) + 1, unitPrice: 19.99, note: 'benchmark line item with a short note' },
    metadata: { userId: 'bench-user', clientId: 'bench', tool: 'invoice_add_line', correlationId: `c-${i}` },
  }];
}

/** write(512 B) + fdatasync in a loop on the disk the stores use: the ceiling for one-sync-per-commit. */
function fdatasyncRate(dir: string, seconds: number): number {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const block = Buffer.alloc(512, 7);
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let syncs = 0;
  try {
    while (performance.now() < deadline) {
      writeSync(fd, block, 0, block.length, 0);
      fdatasyncSync(fd);
      syncs++;
    }
  } finally {
    closeSync(fd);
  }
  return syncs / ((performance.now() - started) / 1000);
}

/**
 * One-row INSERTs into a table of ll_events' shape and indexes, each its own durable transaction,
 * one after another on one connection: the engine's ceiling for single appends on this machine.
 */
async function postgresInsertCommitRate(url: string, seconds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bench_plain_insert (LIKE ll_events INCLUDING ALL)');
    await client.query('TRUNCATE bench_plain_insert');
    return await ratePerSecond(seconds, 1, async (_, i) => void (await client.query({
      name: 'bench_plain_insert',
      text: `INSERT INTO bench_plain_insert (global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, hash)
        OVERRIDING SYSTEM VALUE VALUES ($1, 'plain', $1, $2, $1, gen_random_uuid(), 'InvoiceLineAdded', 1, $3::json, $4::json, $5, $6)`,
      values: [i + 1, `stream-${i % 500}`, SEED_DATA, SEED_METADATA, new Date().toISOString(), 'ab'.repeat(32)],
    })));
  } finally {
    await client.end();
  }
}

interface StoreFigures {
  singleAppendsPerSec: number;
  concurrentAppendsPerSec: number;
  readAllEventsPerSec: number;
  runs: Record<string, number[]>;
}

/** How to start a store afresh, and what it needs after a bulk load before it is read as in steady state. */
interface StoreLifecycle {
  open: () => Promise<EventStore>;
  reset: () => Promise<void>;
  afterBulkLoad: () => Promise<void>;
}

async function measureStore(label: string, { open, reset, afterBulkLoad }: StoreLifecycle): Promise<StoreFigures> {
  let run = 0;
  const single = await medianOf(RUNS, async () => {
    await reset();
    const store = await open();
    const tenant = `single-${run++}`;
    try {
      return await ratePerSecond(SECONDS, 1, async (_, i) => void (await store.append(tenant, `stream-${i % 500}`, 'any', event(i))));
    } finally {
      await store.close();
    }
  });
  process.stderr.write(`  ${label} single appends/s: ${single.runs.map(formatRate).join(', ')}\n`);

  const concurrent = await medianOf(RUNS, async () => {
    await reset();
    const store = await open();
    try {
      return await ratePerSecond(SECONDS, WRITERS, async (w, i) => void (await store.append(`tenant-${w}`, `stream-${i % 50}`, 'any', event(i))));
    } finally {
      await store.close();
    }
  });
  process.stderr.write(`  ${label} ${WRITERS} writers appends/s: ${concurrent.runs.map(formatRate).join(', ')}\n`);

  await reset();
  const seeded = await open();
  try {
    const perAppend = 100;
    const tenants = 20;
    await Promise.all(Array.from({ length: tenants }, async (_, t) => {
      for (let i = 0; i < READ_EVENTS / perAppend / tenants; i++) {
        await seeded.append(`reader-${t}`, `stream-${i % 100}`, 'any', Array.from({ length: perAppend }, (_, j) => event(i * perAppend + j)[0]!));
      }
    }));
  } finally {
    await seeded.close();
  }
  await afterBulkLoad();
  const read = await medianOf(RUNS, async () => {
    const store = await open();
    try {
      const started = performance.now();
      let count = 0;
      for await (const batch of store.readAll({ batchSize: 1000 })) count += batch.length;
      if (count < READ_EVENTS) throw new Error(`read ${count} events, expected ${READ_EVENTS}`);
      return count / ((performance.now() - started) / 1000);
    } finally {
      await store.close();
    }
  });
  process.stderr.write(`  ${label} readAll events/s: ${read.runs.map(formatRate).join(', ')}\n`);
  return {
    singleAppendsPerSec: single.median,
    concurrentAppendsPerSec: concurrent.median,
    readAllEventsPerSec: read.median,
    runs: { single: single.runs, concurrent: concurrent.runs, readAll: read.runs },
  };
}

interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  runs: Array<{ p50Ms: number; p99Ms: number }>;
}

/**
 * Latency of LATENCY_APPENDS single appends, one after the other, into the streams of the grown
 * log (existing ones once it is grown): medians over RUNS runs of each run's p50 and p99.
 */
async function appendLatency(store: EventStore): Promise<LatencyFigures> {
  const runs: Array<{ p50Ms: number; p99Ms: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_APPENDS + 100; i++) {
      const n = run * LATENCY_APPENDS + i;
      const started = performance.now();
      await store.append(`grown-${(n * 7919) % GROWN_TENANTS}`, `stream-${(n * 31) % GROWN_STREAMS}`, 'any', event(n));
      if (i >= 100) samples.push(performance.now() - started); // the first hundred warm caches and plans
    }
    samples.sort((a, b) => a - b);
    runs.push({ p50Ms: samples[Math.floor(samples.length * 0.5)]!, p99Ms: samples[Math.floor(samples.length * 0.99)]! });
  }
  return { p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)), runs };
}

interface GrowthFigures {
  grownEvents: number;
  seedSeconds: number;
  empty: LatencyFigures;
  grown: LatencyFigures;
  p50Ratio: number;
  p99Ratio: number;
}

/**
 * Append latency into an empty store, then into the same store grown to GROWN_EVENTS events
 * (written by `seed` straight into the table, in chunks: a precondition, not what is measured;
 * their hashes are not a chain, which appends do not check).
 */
async function measureGrowth(label: string, { open, reset, afterBulkLoad }: StoreLifecycle, seed: (from: number, to: number) => Promise<void>): Promise<GrowthFigures> {
  await reset();
  let store = await open();
  let empty: LatencyFigures;
  try {
    empty = await appendLatency(store);
  } finally {
    await store.close();
  }
  await reset();
  await (await open()).close(); // the schema
  const seeding = performance.now();
  for (let from = 1; from <= GROWN_EVENTS; from += SEED_CHUNK) {
    await seed(from, Math.min(GROWN_EVENTS, from + SEED_CHUNK - 1));
    process.stderr.write(`  ${label} seeded ${formatRate(Math.min(GROWN_EVENTS, from + SEED_CHUNK - 1))} events\n`);
  }
  await afterBulkLoad();
  const seedSeconds = (performance.now() - seeding) / 1000;
  store = await open();
  let grown: LatencyFigures;
  try {
    grown = await appendLatency(store);
  } finally {
    await store.close();
  }
  process.stderr.write(`  ${label} append latency p50 / p99 ms: empty ${empty.p50Ms.toFixed(2)} / ${empty.p99Ms.toFixed(2)}, ${formatRate(GROWN_EVENTS)} events ${grown.p50Ms.toFixed(2)} / ${grown.p99Ms.toFixed(2)}\n`);
  return { grownEvents: GROWN_EVENTS, seedSeconds, empty, grown, p50Ratio: grown.p50Ms / empty.p50Ms, p99Ratio: grown.p99Ms / empty.p99Ms };
}

/** Events `from`..`to` of the grown log: event g belongs to tenant g mod 1000, its k-th event (k = g div 1000) in stream k mod 100. */
const SEED_ROW = {
  tenant: (g: string) => `'grown-' || (${g} % ${GROWN_TENANTS})`,
  tenantPosition: (g: string) => `(${g} / ${GROWN_TENANTS}) + 1`,
  stream: (g: string) => `'stream-' || ((${g} / ${GROWN_TENANTS}) % ${GROWN_STREAMS})`,
  version: (g: string) => `(${g} / ${GROWN_TENANTS * GROWN_STREAMS}) + 1`,
};

function seedSqlite(path: string): (from: number, to: number) => Promise<void> {
  return async (from, to) => {
    const db = new BetterSqlite3(path);
    try {
      db.pragma('synchronous = OFF');
      db.prepare(`WITH RECURSIVE g(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM g WHERE x < ?)
        INSERT INTO events (global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, hash)
        SELECT x, ${SEED_ROW.tenant('x')}, ${SEED_ROW.tenantPosition('x')}, ${SEED_ROW.stream('x')}, ${SEED_ROW.version('x')},
          lower(hex(randomblob(16))), 'InvoiceLineAdded', 1, ?, ?, '2026-01-01T00:00:00.000Z', lower(hex(randomblob(32))) FROM g`).run(from, to, SEED_DATA, SEED_METADATA);
    } finally {
      db.close();
    }
  };
}

function seedPostgres(url: string): (from: number, to: number) => Promise<void> {
  return async (from, to) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SET synchronous_commit = off');
      await client.query(`INSERT INTO ll_events (global_position, tenant_id, tenant_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, hash)
        OVERRIDING SYSTEM VALUE
        SELECT g, ${SEED_ROW.tenant('g')}, ${SEED_ROW.tenantPosition('g')}, ${SEED_ROW.stream('g')}, ${SEED_ROW.version('g')},
          gen_random_uuid(), 'InvoiceLineAdded', 1, $3::json, $4::json, '2026-01-01T00:00:00.000Z', md5(g::text) || md5((-g)::text)
        FROM generate_series($1::bigint, $2::bigint) AS g`, [from, to, SEED_DATA, SEED_METADATA]);
      await client.query(`SELECT setval(pg_get_serial_sequence('ll_events', 'global_position'), $1)`, [to]);
    } finally {
      await client.end();
    }
  };
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set: run `npm run bench:event-store`, which starts PostgreSQL');
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-'));
  const sqlitePath = join(dir, 'events.db');
  const pgUrl = new URL(adminUrl);
  pgUrl.pathname = '/ll_bench';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    process.stderr.write(`event-store benchmark: ${SECONDS}s per run, median of ${RUNS} runs, ${WRITERS} concurrent writers\n`);
    // The server's own durability settings, as it ran: the figures mean little without them.
    const postgresSettings: Record<string, string> = {};
    for (const name of ['server_version', 'synchronous_commit', 'fsync', 'wal_sync_method', 'max_connections', 'shared_buffers']) {
      postgresSettings[name] = ((await admin.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name]!;
    }
    const fsync = await medianOf(RUNS, async () => fdatasyncRate(dir, SECONDS));
    process.stderr.write(`  fdatasync/s: ${fsync.runs.map(formatRate).join(', ')}\n`);

    const sqliteLifecycle: StoreLifecycle = {
      open: async () => SqliteEventStore.open({ path: sqlitePath }),
      reset: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
      },
      // The seed writes with synchronous = OFF: the file's pages, gigabytes of them at 10,000,000
      // events, are left to the kernel's writeback, which would go on under the appends measured
      // next and slow their fsyncs (the grown store's p99 fell by half over the runs that followed
      // a seed). A store at rest has them on disk: they are synced here first.
      afterBulkLoad: async () => {
        for (const suffix of ['', '-wal']) {
          let fd: number;
          try {
            fd = openSync(sqlitePath + suffix, 'r');
          } catch {
            continue; // no WAL left: nothing of it to sync
          }
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        }
      },
    };
    const sqlite = await measureStore('sqlite', sqliteLifecycle);
    const postgresLifecycle: StoreLifecycle = {
      open: () => PostgresEventStore.connect({ connectionString: pgUrl.toString(), poolSize: WRITERS }),
      reset: async () => {
        await admin.query('DROP DATABASE IF EXISTS ll_bench WITH (FORCE)');
        await admin.query('CREATE DATABASE ll_bench');
      },
      // Statistics, as autovacuum would have gathered them by then in steady state. Without them
      // the planner reads each batch with a bitmap scan and sort of the whole rest of the log
      // (measured: ~25,000 events/s, against ~290,000 with them), and the figure depended on
      // whether autovacuum had analysed the table yet: the slow reads are a cold-table case, not
      // the store's read rate.
      afterBulkLoad: async () => {
        const client = new pg.Client({ connectionString: pgUrl.toString() });
        await client.connect();
        try {
          await client.query('ANALYZE ll_events');
        } finally {
          await client.end();
        }
      },
    };
    const postgres = await measureStore('postgres', postgresLifecycle);
    const plainInsert = await medianOf(RUNS, async () => {
      await postgresLifecycle.reset();
      await (await postgresLifecycle.open()).close(); // the schema, for ll_events' shape
      return postgresInsertCommitRate(pgUrl.toString(), SECONDS);
    });
    process.stderr.write(`  postgres plain one-row INSERT commits/s: ${plainInsert.runs.map(formatRate).join(', ')}\n`);
    const growth = GROWN_EVENTS > 0
      ? {
          sqlite: await measureGrowth('sqlite', sqliteLifecycle, seedSqlite(sqlitePath)),
          postgres: await measureGrowth('postgres', postgresLifecycle, seedPostgres(pgUrl.toString())),
        }
      : undefined;
    const results = {
      benchmark: 'event-store',
      measuredAt: new Date().toISOString(),
      machine: machine(),
      settings: { secondsPerRun: SECONDS, runs: RUNS, concurrentWriters: WRITERS, readEvents: READ_EVENTS, grownEvents: GROWN_EVENTS, latencyAppends: LATENCY_APPENDS, sqliteSynchronous: 'FULL', postgres: { ...postgresSettings, analyzedAfterBulkLoad: true, poolSize: WRITERS, database: 'throw-away, started by deploy/with-services.mjs unless DATABASE_URL is set' } },
      fdatasyncPerSec: fsync.median,
      sqlite,
      postgres,
      postgresPlainInsertCommitsPerSec: plainInsert.median,
      postgresPlainInsertRuns: plainInsert.runs,
      growth,
      ratios: {
        sqliteConcurrentVsFdatasync: sqlite.concurrentAppendsPerSec / fsync.median,
        sqliteConcurrentVsSingle: sqlite.concurrentAppendsPerSec / sqlite.singleAppendsPerSec,
        postgresConcurrentVsSingle: postgres.concurrentAppendsPerSec / postgres.singleAppendsPerSec,
        postgresSingleVsPlainInsert: postgres.singleAppendsPerSec / plainInsert.median,
      },
      fdatasyncRuns: fsync.runs,
    };
    writeResults('bench/results/event-store.json', results);
    console.table({
      fdatasync: { 'per second': formatRate(fsync.median) },
      'sqlite single appends': { 'per second': formatRate(sqlite.singleAppendsPerSec) },
      [`sqlite ${WRITERS} writers`]: { 'per second': formatRate(sqlite.concurrentAppendsPerSec) },
      'sqlite readAll events': { 'per second': formatRate(sqlite.readAllEventsPerSec) },
      'postgres plain one-row INSERT commits': { 'per second': formatRate(plainInsert.median) },
      'postgres single appends': { 'per second': formatRate(postgres.singleAppendsPerSec) },
      [`postgres ${WRITERS} writers`]: { 'per second': formatRate(postgres.concurrentAppendsPerSec) },
      'postgres readAll events': { 'per second': formatRate(postgres.readAllEventsPerSec) },
    });
    if (growth) {
      console.table(Object.fromEntries(Object.entries(growth).map(([store, g]) => [`${store} append latency`, {
        'empty p50 / p99 ms': `${g.empty.p50Ms.toFixed(2)} / ${g.empty.p99Ms.toFixed(2)}`,
        [`${formatRate(g.grownEvents)} events p50 / p99 ms`]: `${g.grown.p50Ms.toFixed(2)} / ${g.grown.p99Ms.toFixed(2)}`,
        'ratio p50 / p99': `${g.p50Ratio.toFixed(2)} / ${g.p99Ratio.toFixed(2)}`,
      }])));
    }
    console.log(`sqlite ${WRITERS} writers / fdatasync = ${results.ratios.sqliteConcurrentVsFdatasync.toFixed(1)}x; written to bench/results/event-store.json`);
  } finally {
    await admin.query('DROP DATABASE IF EXISTS ll_bench WITH (FORCE)').catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench('event-store', main);
