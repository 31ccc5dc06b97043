import { canonicalJson } from '#event-store';
import { MemoryNamespaceFullError, MemoryValueTooLargeError } from '../../memory.errors.js';
import type { MemoryEvent } from '../../memory.events.js';
import { MEMORY_LIMITS } from '../../memory.limits.js';
import type { MemoryState } from '../../memory.state.js';
import type { PutMemoryCommand } from './put-memory.command.js';

/** Putting the value an item already holds changes nothing and appends nothing. */
export function decidePutMemory(command: Pick<PutMemoryCommand, 'namespace' | 'key' | 'value'>, state: MemoryState): MemoryEvent[] {
  const bytes = Buffer.byteLength(canonicalJson(command.value));
  if (bytes > MEMORY_LIMITS.maxValueBytes) throw new MemoryValueTooLargeError(bytes, MEMORY_LIMITS.maxValueBytes);
  const current = state.items.get(command.key);
  if (current !== undefined && canonicalJson(current) === canonicalJson(command.value)) return [];
  if (current === undefined && state.items.size >= MEMORY_LIMITS.maxItemsPerNamespace) {
    throw new MemoryNamespaceFullError(command.namespace, MEMORY_LIMITS.maxItemsPerNamespace);
  }
  return [{ type: 'MemoryItemPut', data: { key: command.key, value: command.value } }];
}
