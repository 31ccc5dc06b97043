import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { ValidationError } from '#core';
import { STEP_ID_PATTERN } from '../definition/index.js';

const RUN_ID = /^run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The step id of the approval a run's policies ask for before its first step: outside the step
 * ids' shape (no step can be named so), so `<runId>.policy-gate` never names a step's approval.
 */
export const POLICY_APPROVAL_STEP = 'policy-gate';

/** The shapes of the ids as regular expressions' sources, for the OpenAPI document. */
export const RUN_ID_PATTERN = RUN_ID.source;
export const APPROVAL_ID_PATTERN = `${RUN_ID.source.slice(0, -1)}\\.(?:${STEP_ID_PATTERN.source.slice(1, -1)}|${POLICY_APPROVAL_STEP})$`;

/**
 * A run's id is its stream's id. A start carrying an idempotency key gets an id derived from the
 * key, so a retried start lands on the same stream and returns the same run.
 */
export function newRunId(tenantId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `run-${uuidv7()}`;
  const hex = createHash('sha256').update(`${tenantId}\u0000${idempotencyKey}`).digest('hex');
  return `run-${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new ValidationError('run.invalid_id', 'a run id looks like run-<uuid>', { runId });
}

/** An approval is named by its run and its step: no lookup is needed to find the run it parks. */
export function approvalIdOf(runId: string, stepId: string): string {
  return `${runId}.${stepId}`;
}

export function parseApprovalId(approvalId: string): { runId: string; stepId: string } {
  const dot = approvalId.indexOf('.');
  const runId = approvalId.slice(0, dot);
  const stepId = approvalId.slice(dot + 1);
  if (dot < 0 || !RUN_ID.test(runId) || !(STEP_ID_PATTERN.test(stepId) || stepId === POLICY_APPROVAL_STEP)) {
    throw new ValidationError('approval.invalid_id', `an approval id looks like run-<uuid>.<step id> (or run-<uuid>.${POLICY_APPROVAL_STEP})`, { approvalId });
  }
  return { runId, stepId };
}

/** Stable across every retry of one step of one run: the downstream system applies it once. */
export function stepIdempotencyKey(runId: string, stepId: string, purpose: 'step' | 'compensation'): string {
  return purpose === 'step' ? `${runId}:${stepId}` : `${runId}:${stepId}:compensate`;
}
