import type { Decider, DomainEvent } from '#core';
import { ValidationError } from '#core';

/** The tenant's memory retention: items not updated for `days` days expire; null keeps them forever. */
export type MemoryRetentionSet = DomainEvent<'MemoryRetentionSet', { days: number | null }>;

export const MEMORY_RETENTION_STREAM = 'memory-retention';
export const MEMORY_ADMIN_SCOPE = 'memory:admin';
export const MAX_RETENTION_DAYS = 36_500;

export interface SetMemoryRetention {
  days: number | null;
}

export interface MemoryRetentionState {
  days: number | null;
}

export class InvalidRetentionError extends ValidationError {}

export function parseRetentionDays(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS) {
    throw new InvalidRetentionError('memory.retention_days', `days must be a whole number from 1 to ${MAX_RETENTION_DAYS}, or null to keep memory forever`);
  }
  return value;
}

/** Setting the retention the tenant already has appends nothing. */
export const memoryRetentionDecider: Decider<SetMemoryRetention, MemoryRetentionState, MemoryRetentionSet> = {
  initialState: () => ({ days: null }),
  evolve: (_state, event) => ({ days: event.data.days }),
  copy: (state) => ({ ...state }),
  decide: (command, state) => {
    const days = parseRetentionDays(command.days);
    return days === state.days ? [] : [{ type: 'MemoryRetentionSet', data: { days } }];
  },
};

/** Items last updated before this instant are past the retention. */
export function retentionCutoff(days: number, now: Date): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
