import type { DomainEvent, JsonObject, JsonValue } from '#core';
import type { ShadowComparison } from '../shadow/shadow.events.js';

/** What a connector call's outcome tells the connectors view (the ConnectorCallOutcome contract of #connectors). */
export type ConnectorCallData = JsonObject & { connector: string; ok: boolean; status: number | null; errorClass: string | null };
/**
 * On whose behalf a call was made, when its connector asked for an assertion (OnBehalfOfRecord of
 * #connectors): the user, client and grant it named, its audience and jti; never the JWT itself.
 */
export type OnBehalfOfData = { userId: string; clientId: string; grantId?: string; audience: string; jti: string };

/** Times are epoch milliseconds decided by the saga when it appends, so a replay sees the same. */
export type RunStarted = DomainEvent<'RunStarted', {
  runId: string;
  automation: string;
  version: number;
  /** Sealed for the starter (RunPersonalData), as are step outputs and RunCompleted.outputs; older events carry them plain. */
  input: JsonValue;
  startedBy: string;
  startedAt: number;
  deadlineAt: number;
  stepIds: string[];
  /** The connector secret versions this run uses from start to end, whatever rotations happen meanwhile. */
  secretPins: Record<string, number>;
  /** The shadow version this run is compared with when it ends (docs/automations.md, "Shadow versions"); absent without one. */
  shadowVersion?: number;
  /**
   * The approval the tenant's enforced policies asked for when the run was started: a member of
   * any of `groups` approves before the first step. Absent when none asked (and on older events).
   */
  policyApproval?: PolicyApprovalData;
}>;
export type PolicyApprovalData = { groups: string[]; policies: string[] };
export type StepStarted = DomainEvent<'StepStarted', CallStartData>;
export type StepSucceeded = DomainEvent<'StepSucceeded', CallSuccessData>;
/** A call attempt that failed: of a step (StepFailed) or of a compensation (CompensationFailed). */
export type CallFailureData = {
  stepId: string;
  attempt: number;
  errorClass: string;
  code: string;
  message: string;
  status: number | null;
  /** When the next attempt is due; null when it gave up (for a step, a RunFailed follows in the same append). */
  retryAt: number | null;
  connectorCall?: ConnectorCallData;
  /** Absent on older events and for connectors that ask for no assertion. */
  onBehalfOf?: OnBehalfOfData;
};
type CallStartData = { stepId: string; attempt: number; startedAt: number; leaseUntil: number };
type CallSuccessData = { stepId: string; attempt: number; output: JsonValue; connectorCall?: ConnectorCallData; onBehalfOf?: OnBehalfOfData };

export type StepFailed = DomainEvent<'StepFailed', CallFailureData>;
export type StepSkipped = DomainEvent<'StepSkipped', { stepId: string; reason: string }>;
export type WaitStarted = DomainEvent<'WaitStarted', { stepId: string; until: number }>;
export type ConditionEvaluated = DomainEvent<'ConditionEvaluated', { stepId: string; result: boolean; next: string | null }>;
/**
 * `prompt` is rendered from the run's data: sealed like it (RunPersonalData); older events carry the plain string.
 * `group` (the step's approvers), `requestedAt` and `nextNoticeAt` (the first reminder or escalation due) are absent on older events.
 * The policies' approval before the first step (stepId POLICY_APPROVAL_STEP) names its `groups` (any of them decides) and the `policies` that asked.
 */
export type ApprovalRequested = DomainEvent<'ApprovalRequested', {
  approvalId: string; stepId: string; prompt: JsonValue; requestedBy: string; deadlineAt: number | null;
  group?: string; requestedAt?: number; nextNoticeAt?: number | null;
  groups?: string[]; policies?: string[];
}>;
/** The n-th reminder of a pending approval fell due (once per due time: the run's stream decides); `nextNoticeAt` is the next reminder or escalation. */
export type ApprovalReminderDue = DomainEvent<'ApprovalReminderDue', { approvalId: string; stepId: string; n: number; dueAt: number; nextNoticeAt: number | null }>;
/** From now on `group` may decide the approval too; its notice is due. */
export type ApprovalEscalated = DomainEvent<'ApprovalEscalated', { approvalId: string; stepId: string; group: string; dueAt: number; nextNoticeAt: number | null }>;
/** `notice` names the reminder or escalation (`reminder:<n>`, `escalation`): the tail of its idempotency key. */
export type ApprovalNotificationStarted = DomainEvent<'ApprovalNotificationStarted', { approvalId: string; stepId: string; notice: string; attempt: number; startedAt: number; leaseUntil: number }>;
export type ApprovalNotificationSent = DomainEvent<'ApprovalNotificationSent', { approvalId: string; stepId: string; notice: string; attempt: number; status: number; connectorCall: ConnectorCallData; onBehalfOf?: OnBehalfOfData }>;
/** `retryAt` null: given up; the run goes on (a notice never fails it). */
export type ApprovalNotificationFailed = DomainEvent<'ApprovalNotificationFailed', CallFailureData & { approvalId: string; notice: string }>;
export type ApprovalGranted = DomainEvent<'ApprovalGranted', { approvalId: string; stepId: string; decidedBy: string; reason: string }>;
export type ApprovalDenied = DomainEvent<'ApprovalDenied', { approvalId: string; stepId: string; decidedBy: string; reason: string }>;
export type ApprovalExpired = DomainEvent<'ApprovalExpired', { approvalId: string; stepId: string }>;
export type RunCancelRequested = DomainEvent<'RunCancelRequested', { reason: string; requestedBy: string }>;
export type CompensationStarted = DomainEvent<'CompensationStarted', CallStartData>;
export type CompensationSucceeded = DomainEvent<'CompensationSucceeded', CallSuccessData>;
export type CompensationFailed = DomainEvent<'CompensationFailed', CallFailureData>;
/** A run with a shadow version closes with its comparison in its final event, when one could be made (ShadowComparer). */
type Compared = { shadow?: ShadowComparison };
export type RunCompleted = DomainEvent<'RunCompleted', { outputs: JsonObject } & Compared>;
export type RunFailed = DomainEvent<'RunFailed', { reason: string; stepId: string | null; message: string } & Compared>;
export type RunCancelled = DomainEvent<'RunCancelled', { reason: string; requestedBy: string; compensated: string[]; compensationFailed: string[] } & Compared>;
export type RunTimedOut = DomainEvent<'RunTimedOut', { deadlineAt: number } & Compared>;

export type RunEvent =
  | RunStarted | StepStarted | StepSucceeded | StepFailed | StepSkipped | WaitStarted | ConditionEvaluated
  | ApprovalRequested | ApprovalGranted | ApprovalDenied | ApprovalExpired
  | ApprovalReminderDue | ApprovalEscalated | ApprovalNotificationStarted | ApprovalNotificationSent | ApprovalNotificationFailed
  | RunCancelRequested | CompensationStarted | CompensationSucceeded | CompensationFailed
  | RunCompleted | RunFailed | RunCancelled | RunTimedOut;

export const FINAL_RUN_EVENTS: ReadonlySet<RunEvent['type']> = new Set(['RunCompleted', 'RunFailed', 'RunCancelled', 'RunTimedOut']);

/** A run's stream is closed once a final event is in (nothing is appended after it): event retention may archive it whole. */
export const CLOSED_RUN_STREAMS = { prefix: 'run-', finalTypes: FINAL_RUN_EVENTS as ReadonlySet<string> } as const;
