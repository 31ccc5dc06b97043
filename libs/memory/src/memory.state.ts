import { canonicalJson } from '#event-store';
import type { MemoryEvent } from './memory.events.js';

/**
 * One namespace of memory: its live items, in the order they were first put, each with the
 * fingerprint of its value (the keyed digest, or the canonical JSON of a value stored unsealed):
 * enough to decide, without holding personal data in memory.
 */
export interface MemoryState {
  readonly items: ReadonlyMap<string, string>;
}

export const initialMemoryState = (): MemoryState => ({ items: new Map() });

/**
 * Folding a namespace copies nothing: the next state takes over the previous state's map, so a
 * fold is linear in the stream's length (copying the map per event made every put quadratic).
 * States are therefore used like batons: once evolved, a state is not read again.
 */
export function evolveMemory(state: MemoryState, event: MemoryEvent): MemoryState {
  const items = state.items as Map<string, string>;
  switch (event.type) {
    case 'MemoryItemPut':
      items.set(event.data.key, event.data.digest ?? canonicalJson(event.data.value));
      return { items };
    case 'MemoryItemDeleted':
    case 'MemoryItemExpired':
      items.delete(event.data.key);
      return { items };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}
