import type { JsonObject, JsonValue } from '#core';
import type { PolicyApprovalData, RunEvent, RunStarted } from './run.events.js';
import { runStarterOf, type RunStarter } from './run-starter.js';
import { POLICY_APPROVAL_STEP } from './run-stream.js';

export type StepStatus = 'pending' | 'running' | 'retrying' | 'waiting' | 'awaiting_approval' | 'succeeded' | 'failed' | 'skipped';
export type RunStatus = 'running' | 'cancelling' | 'completed' | 'failed' | 'cancelled' | 'timed_out';

/** Every status, checked against the types: one added there fails to compile here until listed. */
export const RUN_STATUSES = Object.keys({ running: 1, cancelling: 1, completed: 1, failed: 1, cancelled: 1, timed_out: 1 } satisfies Record<RunStatus, 1>) as [RunStatus, ...RunStatus[]];
export const STEP_STATUSES = Object.keys({ pending: 1, running: 1, retrying: 1, waiting: 1, awaiting_approval: 1, succeeded: 1, failed: 1, skipped: 1 } satisfies Record<StepStatus, 1>) as [StepStatus, ...StepStatus[]];

export interface StepProgress {
  status: StepStatus;
  attempt: number;
  firstAttemptAt: number | null;
  leaseUntil: number | null;
  retryAt: number | null;
  until: number | null;
  output: JsonValue | undefined;
}

export interface ApprovalProgress {
  approvalId: string;
  stepId: string;
  status: 'pending' | 'granted' | 'denied' | 'expired';
  deadlineAt: number | null;
  decidedBy: string | null;
  reason: string | null;
  /** When it was requested, as the saga decided; null on older events (which had no reminders). */
  requestedAt: number | null;
  /** The groups it is offered to (the step's approvers, then its escalation's); empty: anyone with the approvals scope but the starter. */
  groups: string[];
  /** The last reminder that fell due (0: none yet), and whether it escalated. */
  reminders: number;
  escalated: boolean;
  /** Reminders and the escalation that fell due, by notice (`reminder:<n>`, `escalation`): their delivery. */
  notices: Record<string, NoticeProgress>;
}

export interface NoticeProgress {
  dueAt: number;
  status: 'due' | 'running' | 'retrying' | 'sent' | 'failed';
  attempt: number;
  firstAttemptAt: number | null;
  leaseUntil: number | null;
  retryAt: number | null;
}

export interface CompensationProgress {
  status: 'running' | 'retrying' | 'succeeded' | 'failed';
  attempt: number;
  firstAttemptAt: number;
  leaseUntil: number | null;
  retryAt: number | null;
}

export type RunState =
  | { status: 'none' }
  | (Omit<RunStarted['data'], 'runId' | 'policyApproval'> & {
      status: RunStatus;
      runId: string;
      /**
       * The approval the policies asked for before the first step, and whether it was granted (the
       * step approvals that follow replace `approval`, not this); null when none was asked.
       */
      policyApproval: (PolicyApprovalData & { granted: boolean }) | null;
      /** The call that started the run (client, grant, scopes), from RunStarted's metadata: whom its connector calls act for. */
      starter: RunStarter | null;
      /** Index in stepIds of the step the run is at; stepIds.length once every step is done. */
      cursor: number;
      steps: Record<string, StepProgress>;
      approval: ApprovalProgress | null;
      cancel: { reason: string; requestedBy: string } | null;
      compensations: Record<string, CompensationProgress>;
      lastError: { stepId: string | null; code: string; message: string } | null;
      streamVersion: number;
    });

export type ActiveRunState = Exclude<RunState, { status: 'none' }>;

export const initialRunState = (): RunState => ({ status: 'none' });

export const isFinal = (state: RunState): boolean => state.status !== 'none' && state.status !== 'running' && state.status !== 'cancelling';

const freshStep = (): StepProgress => ({ status: 'pending', attempt: 0, firstAttemptAt: null, leaseUntil: null, retryAt: null, until: null, output: undefined });

/** A run event as the store gives it back: with its envelope's metadata, which says who started the run. */
export type StoredRunEvent = RunEvent & { metadata?: JsonObject };

/** Run state is small and copied per event: runs are short streams, and a state is never shared. */
export function evolveRun(state: RunState, event: StoredRunEvent): RunState {
  if (event.type === 'RunStarted') {
    const { runId, policyApproval, ...rest } = event.data;
    return {
      ...rest,
      runId,
      policyApproval: policyApproval ? { ...policyApproval, granted: false } : null,
      starter: runStarterOf(event.metadata),
      status: 'running',
      cursor: 0,
      steps: Object.fromEntries(event.data.stepIds.map((id) => [id, freshStep()])),
      approval: null,
      cancel: null,
      compensations: {},
      lastError: null,
      streamVersion: 1,
    };
  }
  if (state.status === 'none') return state;
  const next = { ...state, streamVersion: state.streamVersion + 1, steps: { ...state.steps } };
  const step = (id: string, change: Partial<StepProgress>): void => {
    next.steps[id] = { ...(next.steps[id] ?? freshStep()), ...change };
  };
  const advancePast = (id: string): void => {
    next.cursor = Math.max(next.cursor, next.stepIds.indexOf(id) + 1);
  };
  switch (event.type) {
    case 'StepStarted': {
      const previous = next.steps[event.data.stepId];
      step(event.data.stepId, { status: 'running', attempt: event.data.attempt, leaseUntil: event.data.leaseUntil, retryAt: null, firstAttemptAt: previous?.firstAttemptAt ?? event.data.startedAt });
      return next;
    }
    case 'StepSucceeded':
      step(event.data.stepId, { status: 'succeeded', output: event.data.output, leaseUntil: null });
      advancePast(event.data.stepId);
      return next;
    case 'StepFailed':
      step(event.data.stepId, { status: event.data.retryAt === null ? 'failed' : 'retrying', retryAt: event.data.retryAt, leaseUntil: null });
      next.lastError = { stepId: event.data.stepId, code: event.data.code, message: event.data.message };
      return next;
    case 'StepSkipped':
      step(event.data.stepId, { status: 'skipped' });
      if (next.status === 'running') advancePast(event.data.stepId);
      return next;
    case 'WaitStarted':
      step(event.data.stepId, { status: 'waiting', until: event.data.until });
      return next;
    case 'ConditionEvaluated':
      step(event.data.stepId, { status: 'succeeded', output: { result: event.data.result } });
      advancePast(event.data.stepId);
      if (event.data.next !== null) next.cursor = next.stepIds.indexOf(event.data.next);
      return next;
    case 'ApprovalRequested': {
      const { approvalId, stepId, deadlineAt, group, groups, requestedAt } = event.data;
      // The policies' approval is no step: the steps (and their outputs) stay as they are.
      if (stepId !== POLICY_APPROVAL_STEP) step(stepId, { status: 'awaiting_approval' });
      next.approval = {
        approvalId, stepId, status: 'pending', deadlineAt, decidedBy: null, reason: null,
        requestedAt: requestedAt ?? null, groups: group === undefined ? [...(groups ?? [])] : [group], reminders: 0, escalated: false, notices: {},
      };
      return next;
    }
    case 'ApprovalReminderDue':
    case 'ApprovalEscalated':
    case 'ApprovalNotificationStarted':
    case 'ApprovalNotificationSent':
    case 'ApprovalNotificationFailed':
      next.approval = next.approval && evolveNotices(next.approval, event);
      return next;
    case 'ApprovalGranted':
    case 'ApprovalDenied': {
      const granted = event.type === 'ApprovalGranted';
      next.approval = next.approval && { ...next.approval, status: granted ? 'granted' : 'denied', decidedBy: event.data.decidedBy, reason: event.data.reason };
      if (event.data.stepId === POLICY_APPROVAL_STEP) {
        if (granted && next.policyApproval) next.policyApproval = { ...next.policyApproval, granted: true };
        return next;
      }
      step(event.data.stepId, granted ? { status: 'succeeded', output: { approved: true, decidedBy: event.data.decidedBy, reason: event.data.reason } } : { status: 'failed' });
      if (granted) advancePast(event.data.stepId);
      return next;
    }
    case 'ApprovalExpired':
      next.approval = next.approval && { ...next.approval, status: 'expired' };
      if (event.data.stepId !== POLICY_APPROVAL_STEP) step(event.data.stepId, { status: 'failed' });
      return next;
    case 'RunCancelRequested':
      next.status = 'cancelling';
      next.cancel = { reason: event.data.reason, requestedBy: event.data.requestedBy };
      return next;
    case 'CompensationStarted': {
      const previous = next.compensations[event.data.stepId];
      next.compensations = { ...next.compensations, [event.data.stepId]: { status: 'running', attempt: event.data.attempt, firstAttemptAt: previous?.firstAttemptAt ?? event.data.startedAt, leaseUntil: event.data.leaseUntil, retryAt: null } };
      return next;
    }
    case 'CompensationSucceeded':
    case 'CompensationFailed': {
      const previous = next.compensations[event.data.stepId]!;
      const status = event.type === 'CompensationSucceeded' ? 'succeeded' : event.data.retryAt === null ? 'failed' : 'retrying';
      next.compensations = { ...next.compensations, [event.data.stepId]: { ...previous, status, leaseUntil: null, retryAt: event.type === 'CompensationFailed' ? event.data.retryAt : null } };
      return next;
    }
    case 'RunCompleted':
      next.status = 'completed';
      next.cursor = next.stepIds.length;
      return next;
    case 'RunFailed':
      next.status = 'failed';
      next.lastError = { stepId: event.data.stepId, code: event.data.reason, message: event.data.message };
      return next;
    case 'RunCancelled':
      next.status = 'cancelled';
      return next;
    case 'RunTimedOut':
      next.status = 'timed_out';
      return next;
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

type NoticeEvent = Extract<RunEvent, { type: 'ApprovalReminderDue' | 'ApprovalEscalated' | 'ApprovalNotificationStarted' | 'ApprovalNotificationSent' | 'ApprovalNotificationFailed' }>;

function evolveNotices(approval: ApprovalProgress, event: NoticeEvent): ApprovalProgress {
  const due = (dueAt: number): NoticeProgress => ({ dueAt, status: 'due', attempt: 0, firstAttemptAt: null, leaseUntil: null, retryAt: null });
  const notice = (key: string, change: Partial<NoticeProgress>): ApprovalProgress => {
    const previous = approval.notices[key] ?? due(0);
    return { ...approval, notices: { ...approval.notices, [key]: { ...previous, ...change } } };
  };
  switch (event.type) {
    case 'ApprovalReminderDue':
      return { ...approval, reminders: event.data.n, notices: { ...approval.notices, [reminderNotice(event.data.n)]: due(event.data.dueAt) } };
    case 'ApprovalEscalated':
      return { ...approval, escalated: true, groups: [...approval.groups, event.data.group], notices: { ...approval.notices, [ESCALATION_NOTICE]: due(event.data.dueAt) } };
    case 'ApprovalNotificationStarted': {
      const firstAttemptAt = approval.notices[event.data.notice]?.firstAttemptAt ?? event.data.startedAt;
      return notice(event.data.notice, { status: 'running', attempt: event.data.attempt, firstAttemptAt, leaseUntil: event.data.leaseUntil, retryAt: null });
    }
    case 'ApprovalNotificationSent':
      return notice(event.data.notice, { status: 'sent', leaseUntil: null });
    case 'ApprovalNotificationFailed':
      return notice(event.data.notice, { status: event.data.retryAt === null ? 'failed' : 'retrying', leaseUntil: null, retryAt: event.data.retryAt });
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

export const ESCALATION_NOTICE = 'escalation';
export const reminderNotice = (n: number): string => `reminder:${n}`;

/**
 * How a run's stream folds (no state cache: runs are short, and each read wants the whole of it;
 * and the starter comes from RunStarted as stored, whose metadata a state folded from events just
 * decided would lack).
 */
export const runFold = { initialState: initialRunState, evolve: evolveRun };

export function outputsOf(state: ActiveRunState): JsonObject {
  return Object.fromEntries(Object.entries(state.steps).filter(([, step]) => step.output !== undefined).map(([id, step]) => [id, step.output as JsonValue]));
}
