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

  read(): Promise<T> {
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

/**
 * Reads whose answer the key fixes (a page of the log between two positions already below the safe
 * head): a caller joins an identical one in flight. Nothing is kept once it settles.
 */
export class SameReadInFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  read(key: string, query: () => Promise<T>): Promise<T> {
    const joined = this.inFlight.get(key);
    if (joined) return joined;
    const started = query();
    this.inFlight.set(key, started);
    const clear = (): void => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    };
    started.then(clear, clear);
    return started;
  }
}

function noop(): void {}
