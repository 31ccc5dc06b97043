// The body of the SQLite store's checkpointer thread (see wal-checkpointer.ts). Node runs this file
// as it is under Jest (type stripping) and compiled from dist, so it imports no file of ours and
// uses only erasable TypeScript.
import BetterSqlite3 from 'better-sqlite3';
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerSettings {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** How long after the first commit it is told of the thread waits, so one round backfills many commits. */
  delayMs: number;
}

/** What the main thread sends: a commit happened, or stop. */
export type CheckpointerCommand = 'committed' | 'close';

/** After each round: the WAL's length in frames, since it was last started over. */
export interface CheckpointRound {
  walFrames: number;
}

/** Passes per round at most: each copies what was committed during the one before. */
const MAX_PASSES = 8;

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const port = parentPort!;
const settings = workerData as CheckpointerSettings;
const db = new BetterSqlite3(settings.path);
// A checkpoint must sync the database file before the WAL it came from is reused; OFF would skip it.
db.pragma(`synchronous = ${settings.synchronous}`);
// This connection never writes, so it would never checkpoint by itself; zero says so to a reader.
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// Only for fdatasync; see runRound.
const databaseFile = openSync(settings.path, 'r');
let timer: NodeJS.Timeout | undefined;

/**
 * PASSIVE takes no lock that a writer or reader waits for: it copies the committed frames no reader
 * still needs into the database file. SQLite syncs that file only when a pass ends at the end of
 * the WAL, which under a steady flow of appends it seldom does (the pass's own figures say it
 * caught up with the WAL as it was when the pass began): the appending connection's catch-up (see
 * WalCheckpointer) would then sync every page the thread wrote, a few hundred scattered pages,
 * 6-15 ms measured. So the thread syncs the file after each pass that copied anything (fsync
 * flushes a file whichever descriptor asks) and goes again for what was committed meanwhile, each
 * pass shorter than the one before, leaving the catch-up a few pages. SQLite still syncs as it does.
 */
function runRound(): void {
  timer = undefined;
  let row: CheckpointRow | undefined;
  let copiedUpTo = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    row = checkpoint.get() as CheckpointRow;
    // Nothing more to copy, or the rest is still needed by a reader or being copied by another process.
    if (row.busy !== 0 || row.checkpointed === copiedUpTo) break;
    copiedUpTo = row.checkpointed;
    fdatasyncSync(databaseFile);
  }
  if (row) port.postMessage({ walFrames: row.log } satisfies CheckpointRound);
}

port.on('message', (command: CheckpointerCommand) => {
  if (command === 'committed') {
    timer ??= setTimeout(runRound, settings.delayMs);
    return;
  }
  if (timer) clearTimeout(timer);
  db.close();
  closeSync(databaseFile);
  port.close();
});
