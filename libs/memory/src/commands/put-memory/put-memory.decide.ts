import type { JsonValue } from '#core';
import { canonicalJson } from '#event-store';
import type { SealedValue } from '#keys';
import { MemoryNamespaceFullError, MemoryValueTooLargeError } from '../../memory.errors.js';
import type { MemoryEvent } from '../../memory.events.js';
import { MEMORY_LIMITS } from '../../memory.limits.js';
import type { MemoryState } from '../../memory.state.js';

/** A put as the decider sees it: the value, and the same value already sealed for the store. */
export interface PutMemoryDecision {
  namespace: string;
  key: string;
  value: JsonValue;
  sealed: SealedValue;
  /** Under a retention policy a put renews the item's time even when the value is unchanged. */
  renew?: boolean;
}

/** Putting the value an item already holds changes nothing and appends nothing (unless it must renew the item). */
export function decidePutMemory(command: PutMemoryDecision, state: MemoryState): MemoryEvent[] {
  const bytes = Buffer.byteLength(canonicalJson(command.value));
  if (bytes > MEMORY_LIMITS.maxValueBytes) throw new MemoryValueTooLargeError(bytes, MEMORY_LIMITS.maxValueBytes);
  const current = state.items.get(command.key);
  if (!command.renew && current !== undefined && (current === command.sealed.digest || current === canonicalJson(command.value))) return [];
  if (current === undefined && state.items.size >= MEMORY_LIMITS.maxItemsPerNamespace) {
    throw new MemoryNamespaceFullError(command.namespace, MEMORY_LIMITS.maxItemsPerNamespace);
  }
  return [{ type: 'MemoryItemPut', data: { key: command.key, value: command.sealed.sealed, digest: command.sealed.digest } }];
}
