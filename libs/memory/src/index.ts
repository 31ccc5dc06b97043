export * from './memory.module.js';
export * from './memory.events.js';
export * from './memory-stream.js';
export { TENANT_MEMORY_SCOPE } from './memory-access.js';
export { memoryItemsProjection } from './projections/memory-items.projection.js';
export { evolveMemory, initialMemoryState, type MemoryState } from './memory.state.js';
