import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { CheckpointerCommand, CheckpointerSettings, CheckpointRound } from './wal-checkpointer.worker.js';

/** SQLite's own default: the WAL size at which a committing connection checkpoints inline. */
const INLINE_AUTOCHECKPOINT_FRAMES = 1000;
/**
 * Past this many frames (about 40 MB of 4 KiB pages) the WAL has not been started over for a long
 * while (another process's commits keep landing before this one's catch-up, or a reader holds
 * frames) or the thread died: the appending connection goes back to checkpointing inline, as
 * SQLite does by default, until the WAL is short again.
 */
const MAX_WAL_FRAMES = 10 * INLINE_AUTOCHECKPOINT_FRAMES;
/** A round starts this long after the commit that asked for it: each round costs two fsyncs. */
const ROUND_DELAY_MS = 100;

/**
 * Takes WAL checkpoints off the append path. better-sqlite3 is synchronous, and by default the
 * connection whose commit takes the WAL past 1,000 frames copies them into the database file and
 * syncs it inside that append; on a large log those frames are pages scattered over the file, so
 * those appends took 15 ms and more where the others take 0.3. Here the appending connection never
 * checkpoints by itself (`wal_autocheckpoint = 0`): a second connection on a worker thread runs
 * PASSIVE checkpoints after commits, which block neither the writer nor readers.
 *
 * SQLite starts the WAL over only when a write transaction begins with every frame copied, and
 * under a steady flow of appends one is nearly always under way when the thread's pass ends, so
 * its commit leaves a few frames behind each time and the WAL would grow for ever. So after each
 * round the appending connection copies those last frames itself, just before its next write
 * (`beforeWrite`): a few pages, where the thread copied hundreds, and that write then starts the
 * WAL over.
 *
 * SQLite coordinates checkpoints through the -shm file's locks, so several processes, each with
 * its own store and thread, stay safe on one file. Durability is unchanged: a commit is
 * acknowledged once its WAL frames are synced, and a checkpoint syncs the database file before
 * the WAL is reused.
 */
export class WalCheckpointer {
  private roundRequested = false;
  private committedDuringRound = false;
  private restartDue = false;
  private inline = false;
  private failed = false;
  private rounds = 0;
  private readonly exited: Promise<void>;

  private constructor(private readonly db: Database, private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (round: CheckpointRound) => this.onRound(round));
    // A thread that failed leaves the WAL to the appending connection, as SQLite does by default.
    worker.once('error', () => {
      this.failed = true;
      this.checkpointInline(true);
    });
    // Like the connection itself, the thread never keeps a process alive that forgot to close its store.
    worker.unref();
  }

  /** Undefined for an in-memory database, which has no WAL and no file a second connection could open. */
  static start(db: Database, settings: Omit<CheckpointerSettings, 'delayMs'>): WalCheckpointer | undefined {
    if (db.memory) return undefined;
    db.pragma('wal_autocheckpoint = 0');
    // The worker's own file, compiled beside this one or, under Jest, the TypeScript source Node strips.
    const script = new URL(`./wal-checkpointer.worker${extname(import.meta.url)}`, import.meta.url);
    const workerData: CheckpointerSettings = { ...settings, delayMs: ROUND_DELAY_MS };
    return new WalCheckpointer(db, new Worker(script, { workerData }));
  }

  /**
   * Tells the thread the WAL grew; one message per round however many commits there are. Rounds go
   * on while the connection checkpoints inline: their report says when the WAL is short again.
   */
  committed(): void {
    if (this.failed) return;
    if (this.roundRequested) {
      this.committedDuringRound = true; // the round may have begun before it: ask again once it ends
      return;
    }
    this.roundRequested = true;
    this.worker.postMessage('committed' satisfies CheckpointerCommand);
  }

  /** Call before each write transaction: after a round, copies what commits made meanwhile, so this write starts the WAL over. */
  beforeWrite(): void {
    if (!this.restartDue) return;
    this.restartDue = false;
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Rounds the thread has finished since the store opened. */
  completedRounds(): number {
    return this.rounds;
  }

  /** Stops the thread and closes its connection, so the caller's connection is the last one on the file. */
  async close(): Promise<void> {
    this.worker.ref(); // else a process with nothing else to do exits before the thread has closed its connection
    this.worker.postMessage('close' satisfies CheckpointerCommand);
    await this.exited;
  }

  private onRound({ walFrames }: CheckpointRound): void {
    this.rounds += 1;
    this.roundRequested = false;
    // What the round left is a few commits' frames; or frames a reader still needs, which the
    // catch-up cannot copy either and then costs nothing.
    this.restartDue = walFrames > 0;
    if ((walFrames > MAX_WAL_FRAMES) !== this.inline) this.checkpointInline(!this.inline);
    if (this.committedDuringRound) {
      this.committedDuringRound = false;
      this.committed();
    }
  }

  private checkpointInline(on: boolean): void {
    if (!this.db.open || this.inline === on) return;
    this.inline = on;
    this.db.pragma(`wal_autocheckpoint = ${on ? INLINE_AUTOCHECKPOINT_FRAMES : 0}`);
  }
}
