import type { CommandMetadata } from '#core';
import type { EventStore } from '#event-store';
import { assertMayUseScope } from '../memory-access.js';
import type { MemoryEvent } from '../memory.events.js';
import { evolveMemory, initialMemoryState, type MemoryState } from '../memory.state.js';
import { memoryStreamId, type MemoryScope } from '../memory-stream.js';

/**
 * Folds one namespace's stream. Memory namespaces are small (bounded items), so reading the
 * stream is cheap; the per-user views of the projections issue will answer these queries later.
 */
export async function readMemoryNamespace(store: EventStore, metadata: CommandMetadata, scope: MemoryScope, namespace: string): Promise<MemoryState> {
  assertMayUseScope(metadata, scope);
  const events = await store.readStream(metadata.tenantId, memoryStreamId(scope, metadata.userId, namespace));
  return events.reduce((state, event) => evolveMemory(state, event as unknown as MemoryEvent), initialMemoryState());
}
