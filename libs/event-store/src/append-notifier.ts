import { delay } from './event-store.options.js';

/** Wakes readers in this process when an append commits; readers still poll for other processes. */
export class AppendNotifier {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const wake = (): void => local.abort();
    this.waiters.add(wake);
    return delay(timeoutMs, local.signal).finally(() => {
      this.waiters.delete(wake);
      signal?.removeEventListener('abort', onAbort);
    });
  }
}
