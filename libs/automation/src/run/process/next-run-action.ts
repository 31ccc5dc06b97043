import type { JsonValue } from '#core';
import { evaluateCondition, renderRequest, renderString, renderWaitUntil, type AutomationDefinition, type AutomationStep, type CallStep, type RenderedHttpRequest, type RetryPolicy, type TemplateContext } from '../../definition/index.js';
import type { PolicyApprovalData, RunEvent } from '../run.events.js';
import { approvalIdOf, POLICY_APPROVAL_STEP, stepIdempotencyKey } from '../run-stream.js';
import { outputsOf, type ActiveRunState } from '../run.state.js';
import { approvalNotices, nextNoticeAt, type NoticeAction } from './approval-notices.js';

/** One attempt at a connector call: of a step, a compensation or an approval's notice. */
export interface ConnectorAttempt {
  stepId: string;
  attempt: number;
  firstAttemptAt: number;
  connector: string;
  request: RenderedHttpRequest;
  idempotencyKey: string;
  retry: RetryPolicy;
}

/** A connector call the saga must make, and the event that records it is under way. */
export interface CallAction extends ConnectorAttempt {
  kind: 'call';
  purpose: 'step' | 'compensation';
}

export type RunAction =
  | { kind: 'append'; events: RunEvent[] }
  | CallAction
  | NoticeAction
  /** Nothing to do before `wakeAt` (null: until someone acts, e.g. an approver). */
  | { kind: 'idle'; wakeAt: number | null };

export interface ActionOptions {
  now: number;
  /** Calls under way with a lease still running are another worker's; a restarted sole worker redoes its own at once. */
  honourLeases: boolean;
  /** The platform's public origin, for the approval link in reminders and escalations. */
  publicUrl?: string;
}

/**
 * The saga's brain, pure: from a run's state, its definition and the time, what happens next.
 * The runner carries it out and appends the outcome; the stream then says what comes after.
 */
export function nextRunAction(state: ActiveRunState, definition: AutomationDefinition, options: ActionOptions): RunAction {
  if (state.status !== 'running' && state.status !== 'cancelling') return { kind: 'idle', wakeAt: null };
  if (state.status === 'cancelling') return nextCancelAction(state, definition, options);
  if (state.policyApproval && !state.policyApproval.granted) return policyApprovalAction(state, state.policyApproval, options.now);
  if (options.now >= state.deadlineAt) return { kind: 'append', events: [{ type: 'RunTimedOut', data: { deadlineAt: state.deadlineAt } }] };
  const step = definition.steps[state.cursor];
  if (!step) return { kind: 'append', events: [{ type: 'RunCompleted', data: { outputs: outputsOf(state) } }] };
  const idle = (wakeAt: number | null): RunAction => ({ kind: 'idle', wakeAt: wakeAt === null ? state.deadlineAt : Math.min(wakeAt, state.deadlineAt) });
  try {
    return stepAction(state, step, options, idle);
  } catch (error) {
    // A template that cannot be rendered for this run's data fails the run: retrying cannot fix data.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'step.render_failed', stepId: step.id, message } }] };
  }
}

function stepAction(state: ActiveRunState, step: AutomationStep, options: ActionOptions, idle: (wakeAt: number | null) => RunAction): RunAction {
  const progress = state.steps[step.id]!;
  const { now } = options;
  switch (step.type) {
    case 'call': {
      if (progress.status === 'running' && options.honourLeases && progress.leaseUntil !== null && progress.leaseUntil > now) return idle(progress.leaseUntil);
      if (progress.status === 'retrying' && progress.retryAt !== null && progress.retryAt > now) return idle(progress.retryAt);
      // A call found running after a restart is made again with the same key: the downstream applies it once.
      return stepCall(state, step, progress.status === 'running' ? progress.attempt : progress.attempt + 1, now);
    }
    case 'approval': {
      const approval = state.approval?.stepId === step.id ? state.approval : null;
      if (!approval) {
        const deadlineAt = step.timeoutSeconds === undefined ? null : now + step.timeoutSeconds * 1000;
        const prompt = renderString(step.prompt, templateContext(state));
        const notices = step.notify ? { requestedAt: now, nextNoticeAt: nextNoticeAt(step, now, 0, false) } : {};
        const data = { approvalId: approvalIdOf(state.runId, step.id), stepId: step.id, prompt, requestedBy: state.startedBy, deadlineAt, ...(step.approvers && { group: step.approvers.group }), ...notices };
        return { kind: 'append', events: [{ type: 'ApprovalRequested', data }] };
      }
      if (approval.status === 'denied') {
        return { kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'approval.denied', stepId: step.id, message: `denied by ${approval.decidedBy}: ${approval.reason}` } }] };
      }
      if (approval.status === 'expired') return { kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'approval.expired', stepId: step.id, message: 'nobody decided before the deadline' } }] };
      if (approval.deadlineAt !== null && now >= approval.deadlineAt) {
        return { kind: 'append', events: [{ type: 'ApprovalExpired', data: { approvalId: approval.approvalId, stepId: step.id } }] };
      }
      const notices = approvalNotices(state, step, approval, { ...options, prompt: () => renderString(step.prompt, templateContext(state)) });
      if (notices.kind !== 'none') return notices;
      const wakeAt = [approval.deadlineAt, notices.wakeAt].filter((at): at is number => at !== null);
      return idle(wakeAt.length === 0 ? null : Math.min(...wakeAt));
    }
    case 'wait': {
      if (progress.status === 'pending') {
        const until = step.seconds !== undefined ? now + step.seconds * 1000 : renderWaitUntil(step.until!, templateContext(state));
        return { kind: 'append', events: [{ type: 'WaitStarted', data: { stepId: step.id, until } }] };
      }
      if (progress.until !== null && progress.until > now) return idle(progress.until);
      return { kind: 'append', events: [{ type: 'StepSucceeded', data: { stepId: step.id, attempt: 1, output: { waitedUntil: new Date(progress.until ?? now).toISOString() } } }] };
    }
    case 'condition': {
      const result = evaluateCondition(step.when, templateContext(state));
      if (result) return { kind: 'append', events: [{ type: 'ConditionEvaluated', data: { stepId: step.id, result, next: null } }] };
      const evaluated: RunEvent = { type: 'ConditionEvaluated', data: { stepId: step.id, result, next: step.otherwise === 'complete' || step.otherwise === 'fail' ? null : step.otherwise } };
      if (step.otherwise === 'fail') return { kind: 'append', events: [evaluated, { type: 'RunFailed', data: { reason: 'condition.failed', stepId: step.id, message: `condition of step ${step.id} did not hold` } }] };
      const skipped = skippedBetween(state, step.id, step.otherwise === 'complete' ? undefined : step.otherwise);
      const completed: RunEvent[] = step.otherwise === 'complete' ? [{ type: 'RunCompleted', data: { outputs: { ...outputsOf(state), [step.id]: { result } } } }] : [];
      return { kind: 'append', events: [evaluated, ...skipped, ...completed] };
    }
    default: {
      const unexpected: never = step;
      return unexpected;
    }
  }
}

/**
 * The approval the tenant's policies asked for when the run was started, before its first step:
 * offered to their groups (any of them) until the run's deadline. Denied, the run fails
 * (`policy.approval_denied`); undecided at the deadline, it expires and the run fails
 * (`approval.expired`, not a time-out: no step ever ran). No reminders: the policy names no connector.
 */
function policyApprovalAction(state: ActiveRunState, gate: PolicyApprovalData, now: number): RunAction {
  const fail = (reason: string, message: string): RunAction => ({ kind: 'append', events: [{ type: 'RunFailed', data: { reason, stepId: null, message } }] });
  // No step has run before it is granted, so the run's approval, if any, is this one.
  const approval = state.approval?.stepId === POLICY_APPROVAL_STEP ? state.approval : null;
  if (!approval) {
    const { groups, policies } = gate;
    const prompt = `Start ${state.automation}? Policy ${policies.join(', ')} asks ${groups.join(' or ')} to approve this run before its first step.`;
    const data = { approvalId: approvalIdOf(state.runId, POLICY_APPROVAL_STEP), stepId: POLICY_APPROVAL_STEP, prompt, requestedBy: state.startedBy, deadlineAt: state.deadlineAt, requestedAt: now, groups, policies };
    return { kind: 'append', events: [{ type: 'ApprovalRequested', data }] };
  }
  if (approval.status === 'denied') return fail('policy.approval_denied', `denied by ${approval.decidedBy}: ${approval.reason}`);
  if (approval.status === 'expired') return fail('approval.expired', 'nobody decided the policy approval before the run\'s deadline');
  if (approval.deadlineAt !== null && now >= approval.deadlineAt) return { kind: 'append', events: [{ type: 'ApprovalExpired', data: { approvalId: approval.approvalId, stepId: POLICY_APPROVAL_STEP } }] };
  return { kind: 'idle', wakeAt: approval.deadlineAt };
}

/** The call a step makes: its attempt, and the idempotency key every attempt of the step shares. */
function stepCall(state: ActiveRunState, step: CallStep, attempt: number, now: number): CallAction {
  return {
    kind: 'call', purpose: 'step', stepId: step.id, attempt, firstAttemptAt: state.steps[step.id]!.firstAttemptAt ?? now, connector: step.connector,
    request: renderRequest(step.request, templateContext(state)), idempotencyKey: stepIdempotencyKey(state.runId, step.id, 'step'), retry: step.retry,
  };
}

/** The steps a condition jumps over (to `target`, or to the end), recorded as skipped. */
function skippedBetween(state: ActiveRunState, from: string, target: string | undefined): RunEvent[] {
  const start = state.stepIds.indexOf(from) + 1;
  const end = target === undefined ? state.stepIds.length : state.stepIds.indexOf(target);
  return state.stepIds.slice(start, end).map((stepId) => ({ type: 'StepSkipped', data: { stepId, reason: `condition ${from} did not hold` } }));
}

/**
 * Cancelling: let a call under way finish (its lease), skip what has not run, compensate the
 * steps that took effect, newest first, then record the cancellation with what was undone.
 */
function nextCancelAction(state: ActiveRunState, definition: AutomationDefinition, options: ActionOptions): RunAction {
  const { now } = options;
  const inFlight = Object.values(state.steps).find((step) => step.status === 'running' && options.honourLeases && step.leaseUntil !== null && step.leaseUntil > now);
  if (inFlight) return { kind: 'idle', wakeAt: inFlight.leaseUntil };
  // A call cut off by a crash may have taken effect: make it again (same key) to learn whether, so it is compensated if so.
  const cutOff = definition.steps.find((step) => step.type === 'call' && state.steps[step.id]!.status === 'running');
  if (cutOff?.type === 'call') return stepCall(state, cutOff, state.steps[cutOff.id]!.attempt, now);
  const open = state.stepIds.filter((id) => ['pending', 'running', 'retrying', 'waiting', 'awaiting_approval'].includes(state.steps[id]!.status));
  if (open.length > 0) return { kind: 'append', events: open.map((stepId) => ({ type: 'StepSkipped', data: { stepId, reason: 'run cancelled' } })) };
  const compensable = definition.steps.filter((step) => step.type === 'call' && step.compensate !== undefined && state.steps[step.id]!.status === 'succeeded').reverse();
  for (const step of compensable) {
    if (step.type !== 'call' || !step.compensate) continue;
    const progress = state.compensations[step.id];
    if (progress?.status === 'succeeded' || progress?.status === 'failed') continue;
    if (progress?.status === 'running' && options.honourLeases && progress.leaseUntil !== null && progress.leaseUntil > now) return { kind: 'idle', wakeAt: progress.leaseUntil };
    if (progress?.status === 'retrying' && progress.retryAt !== null && progress.retryAt > now) return { kind: 'idle', wakeAt: progress.retryAt };
    return {
      kind: 'call', purpose: 'compensation', stepId: step.id, attempt: progress === undefined ? 1 : progress.status === 'running' ? progress.attempt : progress.attempt + 1,
      firstAttemptAt: progress?.firstAttemptAt ?? now, connector: step.compensate.connector, request: renderRequest(step.compensate.request, templateContext(state)),
      idempotencyKey: stepIdempotencyKey(state.runId, step.id, 'compensation'), retry: step.retry,
    };
  }
  const compensated = compensable.filter((step) => state.compensations[step.id]?.status === 'succeeded').map((step) => step.id);
  const compensationFailed = compensable.filter((step) => state.compensations[step.id]?.status === 'failed').map((step) => step.id);
  return { kind: 'append', events: [{ type: 'RunCancelled', data: { reason: state.cancel!.reason, requestedBy: state.cancel!.requestedBy, compensated, compensationFailed } }] };
}

export function templateContext(state: ActiveRunState): TemplateContext {
  const steps: Record<string, { output: JsonValue }> = {};
  for (const [id, step] of Object.entries(state.steps)) if (step.output !== undefined) steps[id] = { output: step.output };
  return { input: state.input, steps, run: { id: state.runId, startedBy: state.startedBy } };
}
