import type { DomainEvent, JsonObject } from '#core';

/** A new immutable version of an automation: the whole definition, as validated on publishing. */
export type AutomationPublished = DomainEvent<'AutomationPublished', { name: string; version: number; definition: JsonObject }>;

export type AutomationEvent = AutomationPublished;
