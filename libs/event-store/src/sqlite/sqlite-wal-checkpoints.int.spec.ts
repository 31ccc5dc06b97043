import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findChainBreak } from '../hash-chain.js';
import { collect, events, tenant } from '../testing/event-store.contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const APPENDS = 3000;
/** A WAL frame: its 24-byte header and a page (4 KiB, SQLite's default). */
const FRAME_BYTES = 24 + 4096;
const BUILT_STORE = resolve('dist/libs/event-store/src/sqlite/sqlite-event-store.js');

async function until(condition: () => boolean, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, everyMs));
  }
}

/** Each append one commit of its own, as a lone caller makes them. */
async function appendOneByOne(store: SqliteEventStore, t: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await store.append(t, `s-${i % 50}`, 'any', events(1));
}

function walBytes(path: string): number {
  return existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
}

/** Runs a Node.js process with the built store and resolves with its exit code, or rejects if it does not exit by itself. */
function runChild(path: string, closeStore: boolean): Promise<number | null> {
  const script = `
    const { SqliteEventStore } = await import(${JSON.stringify(BUILT_STORE)});
    const store = SqliteEventStore.open({ path: ${JSON.stringify(path)} });
    for (let i = 0; i < 200; i++) await store.append('child', 's', 'any', [{ type: 'Noted', data: { i } }]);
    ${closeStore ? 'await store.close();' : ''}`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error('the process did not exit by itself'));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

describe('SqliteEventStore WAL checkpoints on a worker thread', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-wal-'));
    path = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the WAL short while appends go on, with no checkpoint in the appending connection', async () => {
    const store = SqliteEventStore.open({ path });
    try {
      await appendOneByOne(store, tenant(), APPENDS);
      await until(() => store.stats().checkpointRounds > 0);
      // Were it never started over, the WAL would hold three frames or more per commit (the row
      // and its two index entries), and the fall-back to inline checkpoints lets it reach 10,000
      // frames; started over every round, it holds the commits of a round or two.
      expect(walBytes(path)).toBeLessThan(APPENDS * FRAME_BYTES);
      expect(store.stats().commits).toBeGreaterThanOrEqual(APPENDS);
    } finally {
      await store.close();
    }
  });

  it('copies every commit into the database file on its thread, with no further write by the store', async () => {
    const t = tenant();
    const store = SqliteEventStore.open({ path });
    try {
      await appendOneByOne(store, t, 500);
      // The last commit's round: the rounds stop once nothing more was committed.
      let rounds = -1;
      await until(() => {
        const settled = rounds === store.stats().checkpointRounds && rounds > 0;
        rounds = store.stats().checkpointRounds;
        return settled;
      }, 20_000, 400);
      // The database file without its WAL: what a checkpoint has copied, and nothing else.
      copyFileSync(path, join(dir, 'copy.db'));
    } finally {
      await store.close();
    }
    const copy = SqliteEventStore.open({ path: join(dir, 'copy.db') });
    try {
      expect(await copy.headPosition(t)).toBe(500);
    } finally {
      await copy.close();
    }
  });

  it('stops its thread on close (the WAL goes with the last connection) and a new store reads every event back', async () => {
    const t = tenant();
    const store = SqliteEventStore.open({ path });
    await appendOneByOne(store, t, 500);
    await until(() => store.stats().checkpointRounds > 0);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);

    const reopened = SqliteEventStore.open({ path });
    try {
      const stored = await collect(reopened.readAll({ tenantId: t }));
      expect(stored.map((e) => e.tenantPosition)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(findChainBreak(stored)).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });

  it('lets two stores on one file append and checkpoint side by side', async () => {
    const [first, second] = [SqliteEventStore.open({ path }), SqliteEventStore.open({ path })];
    const [a, b] = [tenant(), tenant()];
    try {
      await Promise.all([appendOneByOne(first, a, APPENDS / 2), appendOneByOne(second, b, APPENDS / 2)]);
      await until(() => first.stats().checkpointRounds > 0 && second.stats().checkpointRounds > 0);
      expect(walBytes(path)).toBeLessThan(APPENDS * FRAME_BYTES);
      const all = await collect(first.readAll());
      expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: APPENDS }, (_, i) => i + 1));
      for (const t of [a, b]) {
        const own = all.filter((e) => e.tenantId === t);
        expect(own).toHaveLength(APPENDS / 2);
        expect(findChainBreak(own)).toBeUndefined();
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('lets a process exit by itself, whether it closed its store or not', async () => {
    expect(existsSync(BUILT_STORE)).toBe(true); // built by `npm run build`, which `npm test` runs first
    expect(await runChild(path, true)).toBe(0);
    expect(await runChild(path, false)).toBe(0);
    const store = SqliteEventStore.open({ path });
    try {
      expect(await store.readStream('child', 's')).toHaveLength(400);
    } finally {
      await store.close();
    }
  });
});
