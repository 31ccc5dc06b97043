import type { EventStore } from './event-store.port.js';
import { storeUnavailableFrom } from './postgres/pg-pool.js';

export interface FollowLogOptions {
  /**
   * Before `catchUp` runs again after the store was lost: e.g. reload a checkpoint, since a commit
   * whose answer was lost may have landed. Its own failures count as the store still being lost.
   */
  beforeRetry?: () => Promise<void>;
  /** Told once per outage, when it starts and when it ends. */
  onOutage?: (lost: boolean, error?: unknown) => void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * The live half of catch-up-then-live: runs `catchUp` now, then again after every append (or
 * after `idleWaitMs` without one), until `signal` aborts. The wake-up is armed before each
 * catch-up, so an append landing during a read is never missed. A lost database is waited out
 * (backing off to 5 s between tries); any other error of `catchUp` ends the loop.
 */
export async function followLog(store: EventStore, signal: AbortSignal, idleWaitMs: number, catchUp: () => Promise<void>, options: FollowLogOptions = {}): Promise<void> {
  let retryMs = 0;
  while (!signal.aborted) {
    try {
      if (retryMs > 0) await options.beforeRetry?.();
      const woken = store.waitForAppend(idleWaitMs, signal);
      woken.catch(() => undefined); // awaited below unless catchUp throws first
      await catchUp();
      if (retryMs > 0) options.onOutage?.(false);
      retryMs = 0;
      await woken;
    } catch (error) {
      if (signal.aborted || storeUnavailableFrom(error) === undefined) throw error;
      if (retryMs === 0) options.onOutage?.(true, error);
      retryMs = Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, retryMs * 2));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, retryMs);
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done);
      });
    }
  }
}
