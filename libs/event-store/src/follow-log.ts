import type { EventStore } from './event-store.port.js';

/**
 * The live half of catch-up-then-live: runs `catchUp` now, then again after every append (or
 * after `idleWaitMs` without one), until `signal` aborts. The wake-up is armed before each
 * catch-up, so an append landing during a read is never missed. An error of `catchUp` ends the
 * loop; callers that want to retry do so inside it.
 */
export async function followLog(store: EventStore, signal: AbortSignal, idleWaitMs: number, catchUp: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    const woken = store.waitForAppend(idleWaitMs, signal);
    await catchUp();
    await woken;
  }
}
