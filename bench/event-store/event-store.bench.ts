// Event store benchmark: the disk's fdatasync rate, then durable single appends, 64 concurrent
// writers (group commit) and readAll throughput, for SQLite and PostgreSQL, in one run on one
// machine. Medians of RUNS runs. Usage: npm run bench:event-store (starts PostgreSQL if
// DATABASE_URL is unset). BENCH_SECONDS and BENCH_RUNS shorten or lengthen it.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { runBench } from '../support/bench-settings.js';
import { formatRate, machine, medianOf, ratePerSecond, writeResults } from '../support/bench-utils.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WRITERS = 64;
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 200_000);

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

    const sqlite = await measureStore('sqlite', {
      open: async () => SqliteEventStore.open({ path: sqlitePath }),
      reset: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
      },
      afterBulkLoad: async () => undefined,
    });
    const postgres = await measureStore('postgres', {
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
    });
    const results = {
      benchmark: 'event-store',
      measuredAt: new Date().toISOString(),
      machine: machine(),
      settings: { secondsPerRun: SECONDS, runs: RUNS, concurrentWriters: WRITERS, readEvents: READ_EVENTS, sqliteSynchronous: 'FULL', postgres: { ...postgresSettings, analyzedAfterBulkLoad: true, poolSize: WRITERS, database: 'throw-away, started by deploy/with-services.mjs unless DATABASE_URL is set' } },
      fdatasyncPerSec: fsync.median,
      sqlite,
      postgres,
      ratios: {
        sqliteConcurrentVsFdatasync: sqlite.concurrentAppendsPerSec / fsync.median,
        sqliteConcurrentVsSingle: sqlite.concurrentAppendsPerSec / sqlite.singleAppendsPerSec,
        postgresConcurrentVsSingle: postgres.concurrentAppendsPerSec / postgres.singleAppendsPerSec,
      },
      fdatasyncRuns: fsync.runs,
    };
    writeResults('bench/results/event-store.json', results);
    console.table({
      fdatasync: { 'per second': formatRate(fsync.median) },
      'sqlite single appends': { 'per second': formatRate(sqlite.singleAppendsPerSec) },
      [`sqlite ${WRITERS} writers`]: { 'per second': formatRate(sqlite.concurrentAppendsPerSec) },
      'sqlite readAll events': { 'per second': formatRate(sqlite.readAllEventsPerSec) },
      'postgres single appends': { 'per second': formatRate(postgres.singleAppendsPerSec) },
      [`postgres ${WRITERS} writers`]: { 'per second': formatRate(postgres.concurrentAppendsPerSec) },
      'postgres readAll events': { 'per second': formatRate(postgres.readAllEventsPerSec) },
    });
    console.log(`sqlite ${WRITERS} writers / fdatasync = ${results.ratios.sqliteConcurrentVsFdatasync.toFixed(1)}x; written to bench/results/event-store.json`);
  } finally {
    await admin.query('DROP DATABASE IF EXISTS ll_bench WITH (FORCE)').catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench('event-store', main);
