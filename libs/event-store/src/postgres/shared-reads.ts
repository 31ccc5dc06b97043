/**
 * Reads that many followers of the log in one process make at once (every view's projector, the
 * run scheduler, the purge listener: each wakes on the same append), shared so the database answers
 * each once instead of once per follower.
 */

/**
 * A read whose answer must be no older than the call: the head after an append the caller saw.
 * A caller joins no query begun before its call; the callers that arrive while one runs share the
 * next, begun once that one ends. However many callers, at most two queries are out at a time and
 * one runs.
 */
export class NextFlight<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly query: () => Promise<T>) {}

  /** `joinRunning`: the caller accepts the query under way (it knows it began late enough). */
  read({ joinRunning = false } = {}): Promise<T> {
    if (joinRunning && this.running) return this.running;
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const queued = this.running.then(noop, noop).then(() => {
      this.queued = undefined;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  private start(): Promise<T> {
    const running = this.query();
    this.running = running;
    const clear = (): void => {
      if (this.running === running) this.running = undefined;
    };
    running.then(clear, clear);
    return running;
  }
}

function noop(): void {}

/** A row of the log as read, by its global position (a bigint column: a string). */
export interface PositionedRow {
  global_position: string;
}

/** What a tail answers: rows in order, and the position up to which every live row was given. */
export interface TailPage<Row> {
  rows: Row[];
  through: number;
}

/**
 * The newest live rows of the log that this process read, kept for a few seconds: the followers
 * that wake on the same appends read the same new events one after the other, and all but the
 * first find them here. Only rows below the safe head go in (they no longer change, but for an
 * archive of old streams, which empties the tail in this process, and which never reaches events
 * this new in another: the tail is dropped after `maxAgeMs` without a new read).
 */
export class LogTail<Row extends PositionedRow> {
  private rows: Row[] = [];
  /** Every live row with from < position <= to is in `rows`. */
  private from = 0;
  private to = -1;
  private addedAt = 0;

  constructor(private readonly capacity: number, private readonly maxAgeMs: number, private readonly now: () => number = Date.now) {}

  /** The rows after `after` up to `upTo`, at most `limit`, if the tail holds what follows `after`. */
  read(after: number, upTo: number, limit: number): TailPage<Row> | undefined {
    if (this.to <= after || after < this.from || this.now() - this.addedAt > this.maxAgeMs) return undefined;
    const first = this.firstAfter(after);
    const rows: Row[] = [];
    for (let index = first; index < this.rows.length && rows.length < limit; index++) {
      const row = this.rows[index]!;
      if (Number(row.global_position) > upTo) break;
      rows.push(row);
    }
    const through = rows.length === limit ? Number(rows[rows.length - 1]!.global_position) : Math.min(upTo, this.to);
    return { rows, through };
  }

  /** Rows read from the database: every live row after `after` up to `through`. */
  add(after: number, through: number, rows: readonly Row[]): void {
    if (through <= after) return;
    const stale = this.now() - this.addedAt > this.maxAgeMs;
    if (after === this.to && !stale) {
      this.rows.push(...rows);
    } else if (after > this.to || stale) {
      // Newer than the tail (or the tail is stale): start again from this read. A reader behind the tail leaves it alone.
      this.rows = [...rows];
      this.from = after;
    } else {
      return;
    }
    this.to = through;
    this.addedAt = this.now();
    const excess = this.rows.length - this.capacity;
    if (excess > 0) {
      this.from = Number(this.rows[excess - 1]!.global_position);
      this.rows = this.rows.slice(excess);
    }
  }

  clear(): void {
    this.rows = [];
    this.from = 0;
    this.to = -1;
  }

  private firstAfter(after: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Number(this.rows[middle]!.global_position) <= after) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
