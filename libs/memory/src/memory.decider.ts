import type { Decider } from '#core';
import { decideDeleteMemory } from './commands/delete-memory/delete-memory.decide.js';
import type { DeleteMemoryCommand } from './commands/delete-memory/delete-memory.command.js';
import { decideExpireMemory, type ExpireMemoryDecision } from './commands/expire-memory/expire-memory.decide.js';
import { decidePutMemory } from './commands/put-memory/put-memory.decide.js';
import type { PutMemoryDecision } from './commands/put-memory/put-memory.decide.js';
import type { MemoryEvent } from './memory.events.js';
import { evolveMemory, initialMemoryState, type MemoryState } from './memory.state.js';

const copyMemoryState = (state: MemoryState): MemoryState => ({ items: new Map(state.items) });

export const putMemoryDecider: Decider<PutMemoryDecision, MemoryState, MemoryEvent> = {
  initialState: initialMemoryState,
  evolve: evolveMemory,
  decide: decidePutMemory,
  copy: copyMemoryState,
};

export const deleteMemoryDecider: Decider<DeleteMemoryCommand, MemoryState, MemoryEvent> = {
  initialState: initialMemoryState,
  evolve: evolveMemory,
  decide: decideDeleteMemory,
  copy: copyMemoryState,
};

export const expireMemoryDecider: Decider<ExpireMemoryDecision, MemoryState, MemoryEvent> = {
  initialState: initialMemoryState,
  evolve: evolveMemory,
  decide: decideExpireMemory,
  copy: copyMemoryState,
};
