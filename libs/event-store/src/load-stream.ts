import type { EventStore, StreamId, TenantId } from './event-store.port.js';
import { StreamStateCache } from './stream-state-cache.js';

/** How a stream folds into a state; with `copy`, states are cached per stream and only new events are folded. */
export interface StreamFold<State, Event> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  copy?(state: State): State;
}

/**
 * A stream's current state and version: the cached state plus the events appended since (when
 * the fold can copy states), or folded from the start. The cache is never trusted to be current:
 * the tail is always read, so other processes' appends are folded in.
 */
export async function loadStream<State, Event>(store: EventStore, tenantId: TenantId, streamId: StreamId, fold: StreamFold<State, Event>): Promise<{ state: State; version: number }> {
  const cache = fold.copy ? StreamStateCache.for(store, fold.evolve) : undefined;
  const cached = cache?.get(tenantId, streamId);
  const tail = await store.readStream(tenantId, streamId, cached ? { fromVersion: cached.version + 1 } : {});
  let state = cached ? fold.copy!(cached.state as State) : fold.initialState();
  for (const event of tail) state = fold.evolve(state, event as unknown as Event);
  const version = tail.length > 0 ? tail[tail.length - 1]!.streamVersion : (cached?.version ?? 0);
  if (cache && tail.length > 0) cache.set(tenantId, streamId, version, fold.copy!(state));
  return { state, version };
}
