import { IllegalStateError, type JsonValue } from '#core';
import { ConnectorCallError, type ConnectorErrorClass } from '#connectors';
import type { CallResult } from '../run/process/call-outcome.js';
import type { PlannedApproval } from '../run/commands/dry-run/plan-dry-run.js';
import type { RunEvent } from '../run/run.events.js';
import type { ActiveRunState } from '../run/run.state.js';

/** One attempt of a live call as its shadow is answered with: what came back, and how long it took. */
export interface LiveAnswer {
  response: { status: number; body: JsonValue } | null;
  result: CallResult;
  latencyMs: number;
}

export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'undecided';

/** What a finished live run did, as its shadow run is answered and judged by. */
export interface LiveRunRecord {
  /** Per call step, its attempts in order (attempt n at index n - 1). */
  calls: Map<string, LiveAnswer[]>;
  approvals: Map<string, PlannedApproval>;
  outcome: RunOutcome;
  /** The run's failure code (RunFailed's reason, run.timed_out); null when it completed or was cancelled. */
  failureClass: string | null;
  durationMs: number;
}

/** A run event and when it happened: the envelope's time once appended, the decision's time while still unsaved. */
export interface TimedRunEvent {
  event: RunEvent;
  at: number;
}

const CONNECTOR_ERROR_CLASSES: ReadonlySet<string> = new Set<ConnectorErrorClass>(['timeout', 'rate_limited', 'server', 'client', 'network', 'redirect', 'response_too_large']);

/**
 * The live run's record from its events, in order, and its final state with the outputs opened
 * (a success's answer is its output: { status, body }). An attempt's latency runs from its start
 * to the append that recorded its outcome.
 */
export function liveRunRecord(timeline: readonly TimedRunEvent[], opened: ActiveRunState): LiveRunRecord {
  const calls = new Map<string, LiveAnswer[]>();
  const approvals = new Map<string, PlannedApproval>();
  const startedAt = new Map<string, number>();
  let endedAt = opened.startedAt;
  for (const { event, at } of timeline) {
    endedAt = Math.max(endedAt, at);
    switch (event.type) {
      case 'StepStarted':
        startedAt.set(event.data.stepId, event.data.startedAt);
        break;
      case 'StepSucceeded':
      case 'StepFailed': {
        const { stepId, attempt } = event.data;
        if (!startedAt.has(stepId)) break; // a wait's end is a StepSucceeded too: no call was made.
        const latencyMs = Math.max(0, at - startedAt.get(stepId)!);
        const answers = calls.get(stepId) ?? [];
        answers[attempt - 1] = event.type === 'StepSucceeded' ? succeeded(opened.steps[stepId]?.output, latencyMs) : failed(event.data, latencyMs);
        calls.set(stepId, answers);
        break;
      }
      case 'ApprovalGranted':
      case 'ApprovalDenied':
        approvals.set(event.data.stepId, { decision: event.type === 'ApprovalGranted' ? 'granted' : 'denied', decidedBy: event.data.decidedBy, reason: event.data.reason });
        break;
      case 'ApprovalExpired':
        approvals.set(event.data.stepId, { decision: 'expired' });
        break;
      default:
        break;
    }
  }
  return { calls, approvals, ...outcomeOf(opened), durationMs: Math.max(0, endedAt - opened.startedAt) };
}

function outcomeOf(state: ActiveRunState): Pick<LiveRunRecord, 'outcome' | 'failureClass'> {
  switch (state.status) {
    case 'completed':
    case 'cancelled':
      return { outcome: state.status, failureClass: null };
    case 'failed':
      return { outcome: 'failed', failureClass: state.lastError?.code ?? 'run.failed' };
    case 'timed_out':
      return { outcome: 'timed_out', failureClass: 'run.timed_out' };
    default:
      return { outcome: 'undecided', failureClass: null };
  }
}

function succeeded(output: JsonValue | undefined, latencyMs: number): LiveAnswer {
  const { status, body } = isAnswer(output) ? output : { status: 200, body: null };
  return { response: { status, body }, result: { ok: true, response: { status, headers: {}, body, durationMs: latencyMs } }, latencyMs };
}

function isAnswer(output: JsonValue | undefined): output is { status: number; body: JsonValue } {
  return typeof output === 'object' && output !== null && !Array.isArray(output) && typeof output['status'] === 'number';
}

/** The live failure made again as the error the saga's rules classify the same way (retryable by class, refusals not). */
function failed(data: Extract<RunEvent, { type: 'StepFailed' }>['data'], latencyMs: number): LiveAnswer {
  const { errorClass, code, message, status } = data;
  const error = CONNECTOR_ERROR_CLASSES.has(errorClass)
    ? new ConnectorCallError({ code, message, errorClass: errorClass as ConnectorErrorClass, target: { method: '', host: '', path: '' }, ...(status !== null && { status }) })
    : errorClass === 'refused' ? new IllegalStateError(code, message) : new Error(message);
  return { response: status === null ? null : { status, body: null }, result: { ok: false, error }, latencyMs };
}
