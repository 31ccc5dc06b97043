import { ForbiddenError, IllegalStateError, NotFoundError } from '#core';
import type { RunEvent } from '../../run.events.js';
import type { ApprovalProgress, RunState } from '../../run.state.js';

export interface DecideApproval {
  approvalId: string;
  stepId: string;
  decision: 'approve' | 'deny';
  reason: string;
  decidedBy: string;
  /** The decider's groups (its token's claim and the tenant's lists it is on), read before deciding. */
  deciderGroups: readonly string[];
  now: number;
}

/**
 * The run's approval by this id, when this user may decide it: it exists in the run, the user did
 * not start the run, and, when it is offered to groups (its approvers, then its escalation's), the
 * user is in one of them. @throws NotFoundError (`approval.not_found`), ForbiddenError
 * (`approval.self_decision`, `approval.not_an_approver`).
 */
export function approvalToDecide(approvalId: string, decidedBy: string, deciderGroups: readonly string[], state: RunState): ApprovalProgress {
  const approval = state.status === 'none' ? null : state.approval;
  if (state.status === 'none' || !approval || approval.approvalId !== approvalId) {
    throw new NotFoundError('approval.not_found', `no approval ${approvalId} in this tenant`, { approvalId });
  }
  if (state.startedBy === decidedBy) {
    throw new ForbiddenError('approval.self_decision', 'the user who started a run cannot decide its approvals', { approvalId });
  }
  if (approval.groups.length > 0 && !approval.groups.some((group) => deciderGroups.includes(group))) {
    throw new ForbiddenError('approval.not_an_approver', `approval ${approvalId} is offered to the group(s) ${approval.groups.join(', ')}, and you are in none of them`, { approvalId, groups: approval.groups });
  }
  return approval;
}

/** The refusal of a decision on an approval that was decided, expired, or whose run moved on. */
export function approvalNotPending(approvalId: string, approval: ApprovalProgress, runStatus: string): IllegalStateError {
  return new IllegalStateError('approval.not_pending', `approval ${approvalId} is no longer pending (${approval.status}, run ${runStatus})`, { approvalId, status: approval.status });
}

/** Only a pending approval can be decided, before its deadline, and never by the user who started the run. */
export function decideApproval(command: DecideApproval, state: RunState): RunEvent[] {
  const approval = approvalToDecide(command.approvalId, command.decidedBy, command.deciderGroups, state);
  if (approval.status !== 'pending' || state.status !== 'running') throw approvalNotPending(command.approvalId, approval, state.status);
  if (approval.deadlineAt !== null && command.now >= approval.deadlineAt) {
    throw new IllegalStateError('approval.expired', `approval ${command.approvalId} expired at ${new Date(approval.deadlineAt).toISOString()}`, { approvalId: command.approvalId });
  }
  const data = { approvalId: command.approvalId, stepId: command.stepId, decidedBy: command.decidedBy, reason: command.reason };
  return [command.decision === 'approve' ? { type: 'ApprovalGranted', data } : { type: 'ApprovalDenied', data }];
}
