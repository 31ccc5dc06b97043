// Memory's Nest side: its modules (commands, tools, REST) and the expiry sweeper.
export * from './memory.module.js';
export { MemoryExpirySweeper } from './retention/memory-expiry-sweeper.js';
