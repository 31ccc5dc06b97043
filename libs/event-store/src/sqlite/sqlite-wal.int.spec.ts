import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findChainBreak } from '../hash-chain.js';
import { collect, events, tenant } from '../testing/event-store.contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const APPENDS = 3000;
/** A WAL frame: its 24-byte header and a page (4 KiB, SQLite's default). */
const FRAME_BYTES = 24 + 4096;
const BUILT_STORE = resolve('dist/libs/event-store/src/sqlite/sqlite-event-store.js');

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

// Checkpoints stay in the commit that takes the WAL past 1,000 frames (SQLite's default): a
// checkpointer on a worker thread was measured and made the grown store's p99 worse, its database
// fsync slowing the appends' WAL fsyncs on the same disk (docs/benchmarks.md). What must hold
// whoever checkpoints is below.
describe('SqliteEventStore WAL', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-wal-'));
    path = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the WAL short while appends go on', async () => {
    const store = SqliteEventStore.open({ path });
    try {
      await appendOneByOne(store, tenant(), APPENDS);
      // Were it never started over, the WAL would hold three frames or more per commit (the row
      // and its two index entries); started over after each checkpoint, about 1,000 frames.
      expect(walBytes(path)).toBeLessThan(APPENDS * FRAME_BYTES);
      expect(store.stats().commits).toBeGreaterThanOrEqual(APPENDS);
    } finally {
      await store.close();
    }
  });

  it('leaves no WAL once closed (no other connection is left on the file) and a new store reads every event back', async () => {
    const t = tenant();
    const store = SqliteEventStore.open({ path });
    await appendOneByOne(store, t, 500);
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

  it('lets two stores on one file append side by side', async () => {
    const [first, second] = [SqliteEventStore.open({ path }), SqliteEventStore.open({ path })];
    const [a, b] = [tenant(), tenant()];
    try {
      await Promise.all([appendOneByOne(first, a, APPENDS / 2), appendOneByOne(second, b, APPENDS / 2)]);
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
