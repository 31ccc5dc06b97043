import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_MAX_EVENT_BYTES } from './append-request.js';

export interface EventStoreOptions {
  /** Largest serialised data + metadata of one event, in bytes. Defaults to 1 MiB. */
  maxEventBytes?: number;
  clock?: () => Date;
  newEventId?: () => string;
}

export type ResolvedEventStoreOptions = Required<EventStoreOptions>;

export function resolveOptions(options: EventStoreOptions = {}): ResolvedEventStoreOptions {
  return {
    maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    clock: options.clock ?? (() => new Date()),
    newEventId: options.newEventId ?? (() => uuidv7()),
  };
}

/** Resolves after `timeoutMs`, or at once when `signal` aborts; never rejects. */
export function delay(timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}
