import { MemoryItemNotFoundError } from '../../memory.errors.js';
import type { MemoryEvent } from '../../memory.events.js';
import type { MemoryState } from '../../memory.state.js';
import type { DeleteMemoryCommand } from './delete-memory.command.js';

export function decideDeleteMemory(command: Pick<DeleteMemoryCommand, 'namespace' | 'key'>, state: MemoryState): MemoryEvent[] {
  if (!state.items.has(command.key)) throw new MemoryItemNotFoundError(command.namespace, command.key);
  return [{ type: 'MemoryItemDeleted', data: { key: command.key } }];
}
