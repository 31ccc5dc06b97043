import type { EventStore, RecordedEvent, TenantId } from './event-store.port.js';
import { followLog } from './follow-log.js';

export interface SubscriptionOptions {
  /** Names the durable checkpoint: a subscription with the same id resumes where it stopped. */
  subscriptionId: string;
  tenantId?: TenantId;
  handle: (event: RecordedEvent) => Promise<void> | void;
  batchSize?: number;
  /** Upper bound on how long a live subscription waits before looking again without a wake-up. */
  idleWaitMs?: number;
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** The position of the last event handled (and checkpointed after its batch). */
  readonly position: number;
  /** Resolves once the subscription has handled everything that was in the log when it started. */
  readonly caughtUp: Promise<void>;
  /** Resolves when the subscription has handled at least `position`. */
  reached(position: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Catch-up-then-live subscription over the global log with a durable checkpoint: delivery is at
 * least once (a crash between handling a batch and saving its checkpoint replays that batch), in
 * global order, and resumes after a restart from the stored position.
 */
export function subscribe(store: EventStore, options: SubscriptionOptions): Subscription {
  const abort = new AbortController();
  const waiters: Array<{ position: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  let position = 0;
  let resolveCaughtUp!: () => void;
  let rejectCaughtUp!: (error: unknown) => void;
  const caughtUp = new Promise<void>((resolve, reject) => {
    resolveCaughtUp = resolve;
    rejectCaughtUp = reject;
  });
  caughtUp.catch(() => undefined);

  const settleWaiters = (error?: unknown): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (error !== undefined) waiter.reject(error);
      else if (waiter.position <= position) waiter.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  };

  const run = async (): Promise<void> => {
    position = (await store.checkpoints.load(options.subscriptionId)) ?? 0;
    const startHead = await store.headPosition(options.tenantId);
    if (position >= startHead) resolveCaughtUp();
    await followLog(store, abort.signal, options.idleWaitMs ?? 1000, async () => {
      for await (const batch of store.readAll({ after: position, tenantId: options.tenantId, batchSize: options.batchSize ?? 500, sinceLastWake: true })) {
        for (const event of batch) {
          if (abort.signal.aborted) return;
          await options.handle(event);
          position = event.globalPosition;
        }
        await store.checkpoints.save(options.subscriptionId, position);
        settleWaiters();
        if (position >= startHead) resolveCaughtUp();
      }
      if (position >= startHead) resolveCaughtUp();
    });
  };

  const running = run().catch((error: unknown) => {
    if (abort.signal.aborted) return;
    rejectCaughtUp(error);
    settleWaiters(error);
    options.onError?.(error);
  });

  return {
    get position() {
      return position;
    },
    caughtUp,
    reached(target: number) {
      if (target <= position) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ position: target, resolve, reject }));
    },
    async stop() {
      abort.abort();
      await running;
      settleWaiters(new Error('subscription stopped'));
    },
  };
}
