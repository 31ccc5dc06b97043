import { describe, expect, it } from '@jest/globals';
import type { RunEvent } from '../../run.events.js';
import { evolveRun, initialRunState, type RunState } from '../../run.state.js';
import { decideApproval } from './decide-approval.decide.js';

const RUN = 'run-00000000-0000-7000-8000-000000000002';
const APPROVAL = `${RUN}.approve`;
const given = (...events: RunEvent[]): RunState => events.reduce((state, event) => evolveRun(state, event), initialRunState());
const started: RunEvent = { type: 'RunStarted', data: { runId: RUN, automation: 'pay', version: 1, input: {}, startedBy: 'alice', startedAt: 0, deadlineAt: 10_000, stepIds: ['approve'], secretPins: {} } };
const requested: RunEvent = { type: 'ApprovalRequested', data: { approvalId: APPROVAL, stepId: 'approve', prompt: 'ok?', requestedBy: 'alice', deadlineAt: null, group: 'finance', requestedAt: 0, nextNoticeAt: 1000 } };
const escalated: RunEvent = { type: 'ApprovalEscalated', data: { approvalId: APPROVAL, stepId: 'approve', group: 'cfo', dueAt: 3000, nextNoticeAt: null } };
const decide = (decidedBy: string, deciderGroups: string[]) => ({ approvalId: APPROVAL, stepId: 'approve', decision: 'approve' as const, reason: 'ok', decidedBy, deciderGroups, now: 5000 });

describe('deciding an approval offered to groups', () => {
  it('lets a member of the group decide', () => {
    expect(decideApproval(decide('bob', ['finance']), given(started, requested))).toEqual([{ type: 'ApprovalGranted', data: { approvalId: APPROVAL, stepId: 'approve', decidedBy: 'bob', reason: 'ok' } }]);
  });

  it('refuses others, and the escalation group until it escalated', () => {
    expect(() => decideApproval(decide('dave', ['sales']), given(started, requested))).toThrow(expect.objectContaining({ code: 'approval.not_an_approver' }));
    expect(() => decideApproval(decide('carol', ['cfo']), given(started, requested))).toThrow(expect.objectContaining({ code: 'approval.not_an_approver' }));
    expect(decideApproval(decide('carol', ['cfo']), given(started, requested, escalated))).toHaveLength(1);
  });

  it('never lets the starter decide, in the group or not; without a group anyone else may', () => {
    expect(() => decideApproval(decide('alice', ['finance']), given(started, requested))).toThrow(expect.objectContaining({ code: 'approval.self_decision' }));
    const open: RunEvent = { type: 'ApprovalRequested', data: { approvalId: APPROVAL, stepId: 'approve', prompt: 'ok?', requestedBy: 'alice', deadlineAt: null } };
    expect(decideApproval(decide('dave', []), given(started, open))).toHaveLength(1);
  });
});
