import type { DomainEvent } from '#core';

/** What a purge shreds: one data subject (a user of the tenant), or everything the tenant holds keys for. */
export type PurgeTarget = { kind: 'subject'; subject: string } | { kind: 'tenant' };

/** Appended before any key is destroyed: a purge cut short by a crash is still on the record. */
export type PurgeRequested = DomainEvent<'PurgeRequested', { target: PurgeTarget }>;
/** Appended once the keys are destroyed; every process forgets the tenant's cached keys when it sees it. */
export type PurgeCompleted = DomainEvent<'PurgeCompleted', { target: PurgeTarget; keysDestroyed: number }>;
export type PurgeEvent = PurgeRequested | PurgeCompleted;

/** The tenant's record of purges: an audit trail of its own (a purge is itself an audited event). */
export const PURGES_STREAM = 'compliance:purges';
/** Who may purge the tenant's personal data. */
export const COMPLIANCE_PURGE_SCOPE = 'compliance:purge';
