import type { DomainEvent } from '#core';
import type { RecordedEvent } from '#event-store';
import { FINAL_RUN_EVENTS } from '../run/run.events.js';
import type { RunOutcome } from './live-run-record.js';

export type ShadowSide = { outcome: RunOutcome; failureClass: string | null; durationMs: number };

/** A call step as both sides rendered it: whether each made the call, and where the requests differ (field paths, never values). */
export type ComparedCall = { stepId: string; live: boolean; shadow: boolean; differingPaths: string[] };

/**
 * A live run compared with what its shadow version would have done on the same input, answered
 * by the live run's own responses. It rides in the live run's final event (RunCompleted,
 * RunFailed, RunCancelled, RunTimedOut: `data.shadow`), so the run closes with its comparison or
 * not at all, and a run closes once. It holds no run data: step ids, field paths, outcomes,
 * failure codes and times only; run timelines do not show it (shownEventData), shadow reports do.
 */
export type ShadowComparison = {
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
};

/**
 * The same comparison as runs closed by earlier versions of Ledgerline recorded it: one event on
 * a stream of its own, shadow-<runId>, appended beside the run's final event. Read (shadow
 * reports, the CLI), never written any more.
 */
export type ShadowRunCompared = DomainEvent<'ShadowRunCompared', ShadowComparison>;

export type ShadowEvent = ShadowRunCompared;

export const SHADOW_STREAM_PREFIX = 'shadow-run-';

/** The comparison an event of the log records: a live run's final event's `shadow`, or an earlier version's ShadowRunCompared. */
export function comparisonIn(event: RecordedEvent): ShadowComparison | undefined {
  if (FINAL_RUN_EVENTS.has(event.type as never)) {
    if (!event.streamId.startsWith('run-')) return undefined;
    const shadow = (event.data as { shadow?: ShadowComparison } | null)?.shadow;
    return shadow === undefined || shadow === null ? undefined : shadow;
  }
  return event.type === 'ShadowRunCompared' && event.streamId.startsWith(SHADOW_STREAM_PREFIX) ? (event.data as unknown as ShadowComparison) : undefined;
}

export type ShadowState = { status: 'none' } | { status: 'compared'; compared: ShadowComparison };

/** A shadow stream (an earlier version's) holds one comparison. */
export const shadowFold = {
  initialState: (): ShadowState => ({ status: 'none' }),
  evolve: (_state: ShadowState, event: ShadowEvent): ShadowState => ({ status: 'compared', compared: event.data }),
};
