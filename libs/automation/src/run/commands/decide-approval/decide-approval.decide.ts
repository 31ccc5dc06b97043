import { ForbiddenError, IllegalStateError, NotFoundError } from '#core';
import type { RunEvent } from '../../run.events.js';
import type { RunState } from '../../run.state.js';

export interface DecideApproval {
  approvalId: string;
  stepId: string;
  decision: 'approve' | 'deny';
  reason: string;
  decidedBy: string;
  now: number;
}

/** Only a pending approval can be decided, before its deadline, and never by the user who started the run. */
export function decideApproval(command: DecideApproval, state: RunState): RunEvent[] {
  const approval = state.status === 'none' ? null : state.approval;
  if (state.status === 'none' || !approval || approval.approvalId !== command.approvalId) {
    throw new NotFoundError('approval.not_found', `no approval ${command.approvalId} in this tenant`, { approvalId: command.approvalId });
  }
  if (state.startedBy === command.decidedBy) {
    throw new ForbiddenError('approval.self_decision', 'the user who started a run cannot decide its approvals', { approvalId: command.approvalId });
  }
  if (approval.status !== 'pending' || state.status !== 'running') {
    throw new IllegalStateError('approval.not_pending', `approval ${command.approvalId} is no longer pending (${approval.status}, run ${state.status})`, { approvalId: command.approvalId, status: approval.status });
  }
  if (approval.deadlineAt !== null && command.now >= approval.deadlineAt) {
    throw new IllegalStateError('approval.expired', `approval ${command.approvalId} expired at ${new Date(approval.deadlineAt).toISOString()}`, { approvalId: command.approvalId });
  }
  const data = { approvalId: command.approvalId, stepId: command.stepId, decidedBy: command.decidedBy, reason: command.reason };
  return [command.decision === 'approve' ? { type: 'ApprovalGranted', data } : { type: 'ApprovalDenied', data }];
}
