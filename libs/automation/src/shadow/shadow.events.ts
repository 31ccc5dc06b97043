import type { DomainEvent } from '#core';
import type { RunOutcome } from './live-run-record.js';

export type ShadowSide = { outcome: RunOutcome; failureClass: string | null; durationMs: number };

/** A call step as both sides rendered it: whether each made the call, and where the requests differ (field paths, never values). */
export type ComparedCall = { stepId: string; live: boolean; shadow: boolean; differingPaths: string[] };

/**
 * A live run compared with what its shadow version would have done on the same input, answered
 * by the live run's own responses. On its own stream (shadow-<runId>), appended once: run lists,
 * counts, approvals, the scheduler and retention do not see it. It holds no run data: step ids,
 * field paths, outcomes, failure codes and times only.
 */
export type ShadowRunCompared = DomainEvent<'ShadowRunCompared', {
  runId: string;
  automation: string;
  liveVersion: number;
  shadowVersion: number;
  /** Every call both sides made rendered the same request, and neither made a call the other did not. */
  requestsIdentical: boolean;
  /** The same steps, of the same types, in the same order. */
  sameSequence: boolean;
  live: ShadowSide;
  shadow: ShadowSide;
  calls: ComparedCall[];
}>;

export type ShadowEvent = ShadowRunCompared;

export function shadowStreamId(runId: string): string {
  return `shadow-${runId}`;
}

export const SHADOW_STREAM_PREFIX = 'shadow-run-';

export type ShadowState = { status: 'none' } | { status: 'compared'; compared: ShadowRunCompared['data'] };

/** A shadow stream holds one comparison. */
export const shadowFold = {
  initialState: (): ShadowState => ({ status: 'none' }),
  evolve: (_state: ShadowState, event: ShadowEvent): ShadowState => ({ status: 'compared', compared: event.data }),
};
