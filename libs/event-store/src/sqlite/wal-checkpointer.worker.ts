// The body of the SQLite store's checkpointer thread (see wal-checkpointer.ts). Node runs this file
// as it is under Jest (type stripping) and compiled from dist, so it imports no file of ours and
// uses only erasable TypeScript.
import BetterSqlite3 from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerSettings {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** How long after the first commit it is told of the thread waits, so one round backfills many commits. */
  delayMs: number;
}

/** What the main thread sends: a commit happened, or stop. */
export type CheckpointerCommand = 'committed' | 'close';

/** After each round: the WAL's frames and how many of them are now in the database file. */
export interface CheckpointRound {
  walFrames: number;
  checkpointedFrames: number;
}

/** A PASSIVE round is repeated while it made progress, at most this often, to catch up with commits made during it. */
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
let timer: NodeJS.Timeout | undefined;

/**
 * PASSIVE takes no lock that a writer or reader waits for: it copies the committed frames no reader
 * still needs into the database file and syncs it. Once every frame is copied, the writer's next
 * transaction starts the WAL over from its beginning, so the file stops growing.
 */
function runRound(): void {
  timer = undefined;
  let row: CheckpointRow | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const previous = row;
    row = checkpoint.get() as CheckpointRow;
    if (row.busy !== 0 || row.checkpointed >= row.log) break;
    if (previous && row.checkpointed <= previous.checkpointed) break; // a reader holds the rest back
  }
  if (row) port.postMessage({ walFrames: row.log, checkpointedFrames: row.checkpointed } satisfies CheckpointRound);
}

port.on('message', (command: CheckpointerCommand) => {
  if (command === 'committed') {
    timer ??= setTimeout(runRound, settings.delayMs);
    return;
  }
  if (timer) clearTimeout(timer);
  db.close();
  port.close();
});
