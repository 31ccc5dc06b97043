export * from './memory.events.js';
export * from './memory-stream.js';
export { TENANT_MEMORY_SCOPE } from './memory-access.js';
export { memoryItemsProjection } from './projections/memory-items.projection.js';
export { MEMORY_ADMIN_SCOPE, MEMORY_RETENTION_STREAM } from './retention/memory-retention.js';
export { readMemoryRetention, setMemoryRetention, type MemoryRetention } from './retention/set-memory-retention.js';
export { evolveMemory, initialMemoryState, type MemoryState } from './memory.state.js';
