import { DomainError, type JsonValue } from '#core';
import { ConnectorCallError, type ConnectorResponse } from '#connectors';
import { nextRetryAt } from '../../definition/index.js';
import type { ConnectorCallData, OnBehalfOfData, RunEvent } from '../run.events.js';
import type { NoticeAction } from './approval-notices.js';
import type { CallAction } from './next-run-action.js';

/** `onBehalfOf`: the record of the assertion the call carried (or was to carry, when it failed after it was made). */
export type CallResult = ({ ok: true; response: ConnectorResponse } | { ok: false; error: unknown }) & { onBehalfOf?: OnBehalfOfData };

/**
 * What a connector call's result appends: success; a failure with the next attempt's time (back-off
 * with full jitter, the server's Retry-After honoured); or a failure that gives up (and, for a
 * step, fails the run). Errors raised before any network call (egress refused, no secret) are
 * not retried: the same call would be refused again.
 */
export function callOutcomeEvents(action: CallAction, result: CallResult, now: number, random: () => number): RunEvent[] {
  const { stepId, attempt, purpose } = action;
  const onBehalfOf = result.onBehalfOf && { onBehalfOf: result.onBehalfOf };
  if (result.ok) {
    const output: JsonValue = { status: result.response.status, body: result.response.body };
    const data = { stepId, attempt, output, connectorCall: callData(action, true, result.response.status, null), ...onBehalfOf };
    return [purpose === 'step' ? { type: 'StepSucceeded', data } : { type: 'CompensationSucceeded', data }];
  }
  const failure = describeFailure(result.error);
  const next = failure.retryable
    ? nextRetryAt({ now, attempt, policy: action.retry, firstAttemptAt: action.firstAttemptAt, retryAfterMs: failure.retryAfterMs, random })
    : ({ giveUp: 'not_retryable' } as const);
  const retryAt = 'retryAt' in next ? next.retryAt : null;
  const connectorCall = failure.reachedNetwork ? callData(action, false, failure.status, failure.errorClass) : undefined;
  const data = { stepId, attempt, errorClass: failure.errorClass, code: failure.code, message: failure.message, status: failure.status, retryAt, ...(connectorCall && { connectorCall }), ...onBehalfOf };
  if (purpose === 'compensation') return [{ type: 'CompensationFailed', data }];
  const failed: RunEvent = { type: 'StepFailed', data };
  if (retryAt !== null) return [failed];
  const why = 'giveUp' in next ? next.giveUp : 'not_retryable';
  return [failed, { type: 'RunFailed', data: { reason: `step.${why}`, stepId, message: `step ${stepId} failed after ${attempt} attempt(s): ${failure.message}` } }];
}

/**
 * What a notice's delivery appends: sent, or failed with its next attempt's time (null: given up,
 * and the approval waits on without it: a notice never fails the run).
 */
export function noticeOutcomeEvent(action: NoticeAction, result: CallResult, now: number, random: () => number): RunEvent {
  const { approvalId, stepId, notice, attempt, connector } = action;
  const onBehalfOf = result.onBehalfOf && { onBehalfOf: result.onBehalfOf };
  if (result.ok) {
    const connectorCall = { connector, ok: true, status: result.response.status, errorClass: null };
    return { type: 'ApprovalNotificationSent', data: { approvalId, stepId, notice, attempt, status: result.response.status, connectorCall, ...onBehalfOf } };
  }
  const failure = describeFailure(result.error);
  const next = failure.retryable ? nextRetryAt({ now, attempt, policy: action.retry, firstAttemptAt: action.firstAttemptAt, retryAfterMs: failure.retryAfterMs, random }) : undefined;
  const retryAt = next !== undefined && 'retryAt' in next ? next.retryAt : null;
  const connectorCall = failure.reachedNetwork ? { connectorCall: { connector, ok: false, status: failure.status, errorClass: failure.errorClass } } : {};
  return { type: 'ApprovalNotificationFailed', data: { approvalId, stepId, notice, attempt, errorClass: failure.errorClass, code: failure.code, message: failure.message, status: failure.status, retryAt, ...connectorCall, ...onBehalfOf } };
}

interface Failure {
  errorClass: string;
  code: string;
  message: string;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | undefined;
  reachedNetwork: boolean;
}

function describeFailure(error: unknown): Failure {
  if (error instanceof ConnectorCallError) {
    return { errorClass: error.errorClass, code: error.code, message: error.message, status: error.status ?? null, retryable: error.retryable, retryAfterMs: error.retryAfterMs, reachedNetwork: true };
  }
  if (error instanceof DomainError) {
    return { errorClass: 'refused', code: error.code, message: error.message, status: null, retryable: false, retryAfterMs: undefined, reachedNetwork: false };
  }
  // Anything else is our bug or the machine's: retry it like a network failure, with bounded attempts.
  return { errorClass: 'internal', code: 'run.internal_error', message: 'the call failed inside the platform; see its log', status: null, retryable: true, retryAfterMs: undefined, reachedNetwork: false };
}

function callData(action: CallAction, ok: boolean, status: number | null, errorClass: string | null): ConnectorCallData {
  return { connector: action.connector, ok, status, errorClass };
}
