import type { Decider } from '#core';
import { dryRunFold, type DryRunEvent, type DryRunPlanned, type DryRunState } from './dry-run.events.js';

/** A dry run is recorded once: a repeated call (its idempotency key) finds it planned and adds nothing. */
export function decideDryRun(command: DryRunPlanned['data'], state: DryRunState): DryRunEvent[] {
  return state.status === 'none' ? [{ type: 'DryRunPlanned', data: command }] : [];
}

export const dryRunDecider: Decider<DryRunPlanned['data'], DryRunState, DryRunEvent> = { ...dryRunFold, decide: decideDryRun };
