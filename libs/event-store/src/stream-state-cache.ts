import type { EventStore, StreamId, TenantId } from './event-store.port.js';

const MAX_STREAMS = 10_000;

interface CachedState {
  version: number;
  state: unknown;
}

/**
 * The last folded state of recently used streams, per store and per fold (the decider's evolve
 * function), so a command reads only the events appended since. Entries are never trusted to be
 * current: the caller always reads the stream's tail after the cached version, so events written
 * by other processes are folded in. States here are owned by the cache: callers take copies.
 */
export class StreamStateCache {
  private static readonly perStore = new WeakMap<EventStore, WeakMap<object, StreamStateCache>>();
  private readonly entries = new Map<string, CachedState>();

  static for(store: EventStore, fold: object): StreamStateCache {
    let byFold = StreamStateCache.perStore.get(store);
    if (!byFold) StreamStateCache.perStore.set(store, (byFold = new WeakMap()));
    let cache = byFold.get(fold);
    if (!cache) byFold.set(fold, (cache = new StreamStateCache()));
    return cache;
  }

  get(tenantId: TenantId, streamId: StreamId): CachedState | undefined {
    return this.entries.get(`${tenantId}\u0000${streamId}`);
  }

  set(tenantId: TenantId, streamId: StreamId, version: number, state: unknown): void {
    const key = `${tenantId}\u0000${streamId}`;
    this.entries.delete(key);
    this.entries.set(key, { version, state });
    if (this.entries.size > MAX_STREAMS) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(tenantId: TenantId, streamId: StreamId): void {
    this.entries.delete(`${tenantId}\u0000${streamId}`);
  }
}
