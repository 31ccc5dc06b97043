export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './event-store.options.js';
export { DEFAULT_MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND, assertStreamId, assertTenantId } from './append-request.js';
export { GENESIS_HASH, canonicalJson, chainHash, findChainBreak } from './hash-chain.js';
export { subscribe, type Subscription, type SubscriptionOptions } from './subscription.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export * from './event-store.module.js';
