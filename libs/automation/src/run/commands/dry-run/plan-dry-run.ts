import type { JsonObject } from '#core';
import type { AutomationDefinition, CallStep } from '../../../definition/index.js';
import { callOutcomeEvents, type CallResult } from '../../process/call-outcome.js';
import { nextRunAction, type CallAction } from '../../process/next-run-action.js';
import { APPROVALS_DECIDE_SCOPE } from '../../run-scopes.js';
import type { PolicyApprovalData, RunEvent } from '../../run.events.js';
import { evolveRun, initialRunState, isFinal, type ActiveRunState, type RunState } from '../../run.state.js';
import type { DryRunPlan, PlannedAttempt, PlannedNotice, PlannedStep } from './dry-run.plan.js';

/** One simulated connector call: the request as it would go out, its checks, and the result the saga folds. */
export interface SimulatedCall {
  request: Extract<PlannedStep, { type: 'call' }>['request'];
  egress: 'allowed' | 'refused';
  rate: { heldBack: boolean; retryAfterMs: number };
  response: { status: number; body: Extract<PlannedStep, { type: 'call' }>['request']['body'] } | null;
  result: CallResult;
  /** How long the answer took, added to the plan's clock (a shadow run answered by the live call's own timing); 0 without it. */
  latencyMs?: number;
}

/** How an approval is decided in a plan: a dry run assumes it granted; a shadow run follows the live run's decision. */
export type PlannedApproval = { decision: 'granted' | 'denied'; decidedBy: string; reason: string } | { decision: 'expired' };
export type DecideApproval = (stepId: string) => PlannedApproval;

export type SimulateCall = (action: CallAction, step: CallStep) => Promise<SimulatedCall>;

export interface DryRunRequest {
  dryRunId: string;
  automation: string;
  version: number;
  definition: AutomationDefinition;
  input: JsonObject;
  requestedBy: string;
  now: number;
  simulate: SimulateCall;
  /** Granted by DRY_RUN_APPROVER without it. */
  approve?: DecideApproval;
  /** The approval the tenant's policies ask for before the first step: planned like an approval step (assumed granted). */
  policyApproval?: PolicyApprovalData;
}

/** A plan, and how long it took on its own clock (waits, retry delays, the answers' latencies). */
export interface SimulatedRun {
  plan: DryRunPlan;
  elapsedMs: number;
}

/** Who a dry run's assumed approvals name as their decider (run data templates may read it). */
export const DRY_RUN_APPROVER = 'dry-run';
// Full jitter at its middle: a plan is the same however often it is made.
const PLAN_JITTER = (): number => 0.5;
/** Reminders listed for an approval: every one before its deadline, at most this many. */
const PLANNED_REMINDERS = 10;

/**
 * Plans a run without running it: the live saga's own decisions (nextRunAction, callOutcomeEvents,
 * evolveRun) over a run state in memory, with every connector call answered by `simulate`. Time is
 * a clock of the plan's own: a wait or a retry delay moves it on instead of being waited, so a
 * run's deadline still cuts a plan short where it would cut the run. An approval is assumed
 * granted at once. A definition that would not end is stopped after a bounded number of turns
 * (outcome 'undecided'), so nothing a tenant publishes makes this spin.
 */
export async function planDryRun(request: DryRunRequest): Promise<DryRunPlan> {
  return (await simulateRun(request)).plan;
}

/** planDryRun with the plan's elapsed time, which a shadow run compares with the live run's. */
export async function simulateRun(request: DryRunRequest): Promise<SimulatedRun> {
  const { dryRunId, automation, version, definition, input, requestedBy, policyApproval } = request;
  let clock = request.now;
  const started: RunEvent = {
    type: 'RunStarted',
    data: { runId: dryRunId, automation, version, input, startedBy: requestedBy, startedAt: clock, deadlineAt: clock + definition.timeoutSeconds * 1000, stepIds: definition.steps.map((step) => step.id), secretPins: {}, ...(policyApproval && { policyApproval }) },
  };
  let state = evolveRun(initialRunState(), started) as ActiveRunState;
  const steps: PlannedStep[] = [];
  const fold = (event: RunEvent): void => {
    steps.push(...plannedOf(event, state, definition, requestedBy));
    state = evolveRun(state, event) as ActiveRunState;
    // Nobody is asked: the run goes on as the approval is decided for it (a dry run: granted).
    if (event.type === 'ApprovalRequested') state = evolveRun(state, decisionOf(event.data.approvalId, event.data.stepId)) as ActiveRunState;
  };
  const decisionOf = (approvalId: string, stepId: string): RunEvent => {
    const decided = request.approve?.(stepId) ?? { decision: 'granted', decidedBy: DRY_RUN_APPROVER, reason: 'assumed granted in a dry run' };
    if (decided.decision === 'expired') return { type: 'ApprovalExpired', data: { approvalId, stepId } };
    const data = { approvalId, stepId, decidedBy: decided.decidedBy, reason: decided.reason };
    return decided.decision === 'granted' ? { type: 'ApprovalGranted', data } : { type: 'ApprovalDenied', data };
  };
  const ended = (): SimulatedRun => ({ plan: planOf(request, state, steps), elapsedMs: clock - request.now });
  for (let turn = 0, turns = turnBound(definition); turn < turns; turn++) {
    if (isFinal(state)) return ended();
    const action = nextRunAction(state, definition, { now: clock, honourLeases: false });
    if (action.kind === 'idle') {
      // A wait or a retry delay: the plan's clock moves on to it (an idle without a time cannot happen: approvals are granted at once).
      if (action.wakeAt === null) break;
      clock = Math.max(clock, action.wakeAt);
    } else if (action.kind === 'append') {
      action.events.forEach(fold);
    } else if (action.kind === 'notify') {
      // Approvals are granted at once in a plan, so no reminder falls due: the plan lists them with the approval instead.
      break;
    } else {
      await simulateAttempt(action);
    }
  }
  return ended();

  async function simulateAttempt(action: CallAction): Promise<void> {
    const step = definition.steps.find((candidate): candidate is CallStep => candidate.id === action.stepId && candidate.type === 'call')!;
    state = evolveRun(state, { type: 'StepStarted', data: { stepId: action.stepId, attempt: action.attempt, startedAt: clock, leaseUntil: clock } }) as ActiveRunState;
    const simulated = await request.simulate(action, step);
    const events = callOutcomeEvents(action, simulated.result, clock, PLAN_JITTER);
    recordAttempt(steps, action, simulated, events, clock);
    for (const event of events) state = evolveRun(state, event) as ActiveRunState;
    clock += simulated.latencyMs ?? 0;
  }
}

/** At most this many turns: each call attempt takes two (the call, the delay before the next), each other step a few. */
function turnBound(definition: AutomationDefinition): number {
  const attempts = Math.max(1, ...definition.steps.map((step) => (step.type === 'call' ? step.retry.maxAttempts : 1)));
  return definition.steps.length * (2 * attempts + 4) + 10;
}

function plannedOf(event: RunEvent, state: ActiveRunState, definition: AutomationDefinition, requestedBy: string): PlannedStep[] {
  switch (event.type) {
    case 'ConditionEvaluated': {
      const { stepId, result } = event.data;
      const step = definition.steps.find((candidate) => candidate.id === stepId);
      const next = result ? (state.stepIds[state.stepIds.indexOf(stepId) + 1] ?? 'complete') : step?.type === 'condition' ? step.otherwise : 'fail';
      return [{ stepId, type: 'condition', result, next }];
    }
    case 'WaitStarted':
      return [{ stepId: event.data.stepId, type: 'wait', until: new Date(event.data.until).toISOString() }];
    case 'ApprovalRequested':
      return [{
        stepId: event.data.stepId, type: 'approval', prompt: event.data.prompt,
        approvers: { scope: APPROVALS_DECIDE_SCOPE, notUser: requestedBy, ...(event.data.group !== undefined && { group: event.data.group }), ...(event.data.groups && { groups: event.data.groups }) },
        deadlineAt: event.data.deadlineAt === null ? null : new Date(event.data.deadlineAt).toISOString(), assumed: 'granted', ...(event.data.policies && { policies: event.data.policies }),
        ...plannedNotices(definition, event.data.stepId, event.data.requestedAt, event.data.deadlineAt),
      }];
    case 'StepSkipped':
      return [{ stepId: event.data.stepId, type: 'skipped', reason: event.data.reason }];
    default:
      return [];
  }
}

/**
 * The reminders and escalation the approval would send while it waited (none is sent, and the plan
 * assumes it granted at once): their connector, and their due times up to its deadline (reminders
 * without a deadline: the first few).
 */
function plannedNotices(definition: AutomationDefinition, stepId: string, requestedAt: number | undefined, deadlineAt: number | null): { notices?: PlannedNotice[] } {
  const step = definition.steps.find((candidate) => candidate.id === stepId);
  if (step?.type !== 'approval' || !step.notify || requestedAt === undefined) return {};
  const notify = { connector: step.notify.connector, path: step.notify.path ?? '/' };
  const notices: PlannedNotice[] = [];
  if (step.escalation) notices.push({ kind: 'escalation', ...notify, group: step.escalation.group, n: null, dueAt: new Date(requestedAt + step.escalation.afterSeconds * 1000).toISOString() });
  for (let n = 1; step.reminders && n <= PLANNED_REMINDERS; n++) {
    const dueAt = requestedAt + n * step.reminders.everySeconds * 1000;
    if (deadlineAt !== null && dueAt >= deadlineAt) break;
    notices.push({ kind: 'reminder', ...notify, group: null, n, dueAt: new Date(dueAt).toISOString() });
  }
  return { notices: notices.sort((a, b) => a.dueAt.localeCompare(b.dueAt)) };
}

/** The call step's entry (made on its first attempt), with this attempt added and the last response kept. */
function recordAttempt(steps: PlannedStep[], action: CallAction, simulated: SimulatedCall, events: RunEvent[], clock: number): void {
  let entry = steps.find((step): step is Extract<PlannedStep, { type: 'call' }> => step.type === 'call' && step.stepId === action.stepId);
  if (!entry) {
    entry = { stepId: action.stepId, type: 'call', connector: action.connector, request: simulated.request, egress: simulated.egress, rate: simulated.rate, response: null, attempts: [] };
    steps.push(entry);
  }
  entry.response = simulated.response;
  const [outcome] = events;
  const attempt: PlannedAttempt = { attempt: action.attempt, at: new Date(clock).toISOString(), outcome: 'succeeded', status: simulated.response?.status ?? null, code: null, retryAt: null };
  if (outcome?.type === 'StepFailed') {
    attempt.outcome = outcome.data.retryAt === null ? 'failed' : 'retry';
    attempt.code = outcome.data.code;
    attempt.retryAt = outcome.data.retryAt === null ? null : new Date(outcome.data.retryAt).toISOString();
  }
  entry.attempts.push(attempt);
}

function planOf(request: DryRunRequest, state: RunState, steps: PlannedStep[]): DryRunPlan {
  const { dryRunId, automation, version } = request;
  if (state.status === 'none' || !isFinal(state)) {
    return { dryRunId, automation, version, outcome: 'undecided', error: { stepId: null, code: 'dry_run.undecided', message: 'the plan did not reach an end within its bound of turns' }, steps };
  }
  if (state.status === 'completed') return { dryRunId, automation, version, outcome: 'completed', error: null, steps };
  if (state.status === 'timed_out') {
    return { dryRunId, automation, version, outcome: 'timed_out', error: { stepId: null, code: 'run.timed_out', message: `the run would reach its deadline (${new Date(state.deadlineAt).toISOString()} on the plan's clock)` }, steps };
  }
  return { dryRunId, automation, version, outcome: 'failed', error: state.lastError, steps };
}
