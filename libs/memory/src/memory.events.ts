import type { DomainEvent, JsonValue } from '#core';

export type MemoryItemPut = DomainEvent<'MemoryItemPut', { key: string; value: JsonValue }>;
export type MemoryItemDeleted = DomainEvent<'MemoryItemDeleted', { key: string }>;
export type MemoryEvent = MemoryItemPut | MemoryItemDeleted;
