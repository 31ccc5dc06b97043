import type { DomainEvent, JsonValue } from '#core';
import type { DryRunOutcome } from './dry-run.plan.js';

/**
 * A dry run, recorded on its own stream (dryrun-<uuid>, never run-<uuid>: nothing that follows
 * runs — views, counts, approvals, the scheduler, retention — reads it). `input` and `steps` (the
 * rendered requests, prompts and simulated answers made from the input) are sealed for the
 * requester as a run's data is (RunPersonalData); what stays plain names no personal data.
 */
export type DryRunPlanned = DomainEvent<'DryRunPlanned', {
  dryRunId: string;
  automation: string;
  version: number;
  requestedBy: string;
  plannedAt: number;
  outcome: DryRunOutcome;
  error: { stepId: string | null; code: string; message: string } | null;
  input: JsonValue;
  steps: JsonValue;
}>;

export type DryRunEvent = DryRunPlanned;

export type DryRunState = { status: 'none' } | { status: 'planned'; planned: DryRunPlanned['data'] };

export const dryRunFold = {
  initialState: (): DryRunState => ({ status: 'none' }),
  evolve: (_state: DryRunState, event: DryRunEvent): DryRunState => ({ status: 'planned', planned: event.data }),
};
