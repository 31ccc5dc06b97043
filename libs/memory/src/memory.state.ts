import type { JsonValue } from '#core';
import type { MemoryEvent } from './memory.events.js';

/** One namespace of memory: its live items, in the order they were first put. */
export interface MemoryState {
  readonly items: ReadonlyMap<string, JsonValue>;
}

export const initialMemoryState = (): MemoryState => ({ items: new Map() });

/**
 * Folding a namespace copies nothing: the next state takes over the previous state's map, so a
 * fold is linear in the stream's length (copying the map per event made every put quadratic).
 * States are therefore used like batons: once evolved, a state is not read again.
 */
export function evolveMemory(state: MemoryState, event: MemoryEvent): MemoryState {
  const items = state.items as Map<string, JsonValue>;
  switch (event.type) {
    case 'MemoryItemPut':
      items.set(event.data.key, event.data.value);
      return { items };
    case 'MemoryItemDeleted':
      items.delete(event.data.key);
      return { items };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}
