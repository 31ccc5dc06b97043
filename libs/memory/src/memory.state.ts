import type { JsonValue } from '#core';
import type { MemoryEvent } from './memory.events.js';

/** One namespace of memory: its live items, in the order they were first put. */
export interface MemoryState {
  items: ReadonlyMap<string, JsonValue>;
}

export const initialMemoryState = (): MemoryState => ({ items: new Map() });

export function evolveMemory(state: MemoryState, event: MemoryEvent): MemoryState {
  const items = new Map(state.items);
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
