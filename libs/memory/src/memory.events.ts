import type { DomainEvent, JsonValue } from '#core';

/**
 * `value` is personal data: sealed (PersonalDataVault) for the namespace's owner, or for the
 * tenant when the namespace is tenant-wide, with `digest` its keyed digest. Events written before
 * values were sealed carry the plain value and no digest; readers take both.
 */
export type MemoryItemPut = DomainEvent<'MemoryItemPut', { key: string; value: JsonValue; digest?: string }>;
export type MemoryItemDeleted = DomainEvent<'MemoryItemDeleted', { key: string }>;
/** The tenant's memory retention removed an item not updated for `retentionDays` days. */
export type MemoryItemExpired = DomainEvent<'MemoryItemExpired', { key: string; retentionDays: number }>;
export type MemoryEvent = MemoryItemPut | MemoryItemDeleted | MemoryItemExpired;
