import type { Decider, DomainEvent } from '#core';
import { ValidationError } from '#core';

/**
 * The tenant's event retention: closed streams whose last event is older than `days` days leave
 * the live store with a signed archive (see archive/archive-tenant.ts); null keeps every event.
 */
export type EventRetentionSet = DomainEvent<'EventRetentionSet', { days: number | null }>;

export const EVENT_RETENTION_STREAM = 'compliance:event-retention';
/** Who may set the tenant's event retention. */
export const COMPLIANCE_ADMIN_SCOPE = 'compliance:admin';
export const MIN_EVENT_RETENTION_DAYS = 1;
export const MAX_EVENT_RETENTION_DAYS = 36_500;

export interface SetEventRetention {
  days: number | null;
}

export interface EventRetentionState {
  days: number | null;
}

export class InvalidEventRetentionError extends ValidationError {}

export function parseEventRetentionDays(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_EVENT_RETENTION_DAYS || value > MAX_EVENT_RETENTION_DAYS) {
    throw new InvalidEventRetentionError(
      'retention.event_days',
      `days must be a whole number from ${MIN_EVENT_RETENTION_DAYS} to ${MAX_EVENT_RETENTION_DAYS}, or null to keep every event`,
      { days: typeof value === 'number' || typeof value === 'string' ? value : typeof value },
    );
  }
  return value;
}

/** Setting the retention the tenant already has appends nothing. */
export const eventRetentionDecider: Decider<SetEventRetention, EventRetentionState, EventRetentionSet> = {
  initialState: () => ({ days: null }),
  evolve: (_state, event) => ({ days: event.data.days }),
  copy: (state) => ({ ...state }),
  decide: (command, state) => {
    const days = parseEventRetentionDays(command.days);
    return days === state.days ? [] : [{ type: 'EventRetentionSet', data: { days } }];
  },
};
