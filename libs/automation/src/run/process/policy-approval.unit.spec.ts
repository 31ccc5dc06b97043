import { describe, expect, it } from '@jest/globals';
import { parseAutomationDefinition } from '../../definition/index.js';
import { decideApproval } from '../commands/decide-approval/decide-approval.decide.js';
import type { RunEvent } from '../run.events.js';
import { parseApprovalId, POLICY_APPROVAL_STEP } from '../run-stream.js';
import { evolveRun, initialRunState, outputsOf, type ActiveRunState } from '../run.state.js';
import { nextRunAction, type RunAction } from './next-run-action.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const S = 1000;
const RUN = 'run-00000000-0000-7000-8000-000000000003';
const GATE = `${RUN}.policy-gate`;
const GATE_APPROVAL = { groups: ['managers', 'cfo'], policies: ['big_payments'] };

// A step may be called `policy`: the gate's id cannot be confused with its approval's.
const definition = parseAutomationDefinition({
  name: 'pay_invoice', title: 'Pay', description: 'Pays.', inputSchema: { type: 'object', properties: { amount: { type: 'number' } } },
  steps: [{ id: 'policy', type: 'approval', prompt: 'Pay {{input.amount}}?' }, { id: 'hold', type: 'wait', seconds: 60 }],
});

function started(policyApproval?: typeof GATE_APPROVAL): ActiveRunState {
  const event: RunEvent = {
    type: 'RunStarted',
    data: { runId: RUN, automation: 'pay_invoice', version: 1, input: { amount: 900 }, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 3600 * S, stepIds: ['policy', 'hold'], secretPins: {}, ...(policyApproval && { policyApproval }) },
  };
  return evolveRun(initialRunState(), event) as ActiveRunState;
}

/** Given the run so far, what the saga does at `now`, with the events it appends folded in. */
function at(state: ActiveRunState, now: number): { action: RunAction; state: ActiveRunState } {
  const action = nextRunAction(state, definition, { now, honourLeases: true });
  const next = action.kind === 'append' ? action.events.reduce((folded, event) => evolveRun(folded, event) as ActiveRunState, state) : state;
  return { action, state: next };
}

const decided = (state: ActiveRunState, decision: 'approve' | 'deny', decidedBy = 'bob', deciderGroups = ['managers']): ActiveRunState =>
  decideApproval({ approvalId: GATE, stepId: POLICY_APPROVAL_STEP, decision, reason: 'checked', decidedBy, deciderGroups, now: T0 + 10 * S }, state)
    .reduce((folded, event) => evolveRun(folded, event) as ActiveRunState, state);

describe("the policies' approval before a run's first step, in nextRunAction", () => {
  it('asks the groups first, naming the policies, and waits until the run\'s deadline', () => {
    const { action, state } = at(started(GATE_APPROVAL), T0);
    expect(action).toEqual({
      kind: 'append',
      events: [{
        type: 'ApprovalRequested',
        data: { approvalId: GATE, stepId: POLICY_APPROVAL_STEP, prompt: expect.stringMatching(/pay_invoice.*big_payments.*managers or cfo/), requestedBy: 'alice', deadlineAt: T0 + 3600 * S, requestedAt: T0, groups: ['managers', 'cfo'], policies: ['big_payments'] },
      }],
    });
    expect(state.approval).toMatchObject({ approvalId: GATE, status: 'pending', groups: ['managers', 'cfo'] });
    // No step moved: the first one is still pending and nothing waits on its approval.
    expect(state.steps['policy']!.status).toBe('pending');
    expect(at(state, T0 + 5 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 3600 * S });
  });

  it('goes on to the first step once a member of a group approves, and keeps the gate out of the outputs', () => {
    const granted = decided(at(started(GATE_APPROVAL), T0).state, 'approve');
    expect(granted.policyApproval).toEqual({ ...GATE_APPROVAL, granted: true });
    const { action, state } = at(granted, T0 + 11 * S);
    expect(action).toEqual({ kind: 'append', events: [{ type: 'ApprovalRequested', data: expect.objectContaining({ approvalId: `${RUN}.policy`, stepId: 'policy' }) }] });
    // The step's approval replaced the gate's; the gate, granted, is not asked again.
    const stepGranted = decideApproval({ approvalId: `${RUN}.policy`, stepId: 'policy', decision: 'approve', reason: 'ok', decidedBy: 'carol', deciderGroups: [], now: T0 + 12 * S }, state)
      .reduce((folded, event) => evolveRun(folded, event) as ActiveRunState, state);
    expect(at(stepGranted, T0 + 13 * S).action).toEqual({ kind: 'append', events: [{ type: 'WaitStarted', data: { stepId: 'hold', until: T0 + 73 * S } }] });
    expect(Object.keys(outputsOf(stepGranted))).toEqual(['policy']);
  });

  it('fails the run on a denial without running a step, and on no decision by the deadline', () => {
    const denied = at(decided(at(started(GATE_APPROVAL), T0).state, 'deny'), T0 + 11 * S);
    expect(denied.action).toEqual({ kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'policy.approval_denied', stepId: null, message: 'denied by bob: checked' } }] });
    expect(denied.state.status).toBe('failed');
    expect(Object.values(denied.state.steps).map((step) => step.status)).toEqual(['pending', 'pending']);

    const waiting = at(started(GATE_APPROVAL), T0).state;
    const expired = at(waiting, T0 + 3600 * S);
    expect(expired.action).toEqual({ kind: 'append', events: [{ type: 'ApprovalExpired', data: { approvalId: GATE, stepId: POLICY_APPROVAL_STEP } }] });
    expect(at(expired.state, T0 + 3601 * S).action).toEqual({ kind: 'append', events: [{ type: 'RunFailed', data: { reason: 'approval.expired', stepId: null, message: expect.any(String) } }] });
  });

  it('lets only a member of one of its groups decide it, never the starter', () => {
    const waiting = at(started(GATE_APPROVAL), T0).state;
    expect(() => decided(waiting, 'approve', 'dave', ['sales'])).toThrow(expect.objectContaining({ code: 'approval.not_an_approver' }));
    expect(() => decided(waiting, 'approve', 'alice', ['managers'])).toThrow(expect.objectContaining({ code: 'approval.self_decision' }));
    expect(decided(waiting, 'approve', 'erin', ['cfo']).policyApproval?.granted).toBe(true);
  });

  it('leaves a run without one (and an older run) as it was: its first step comes first', () => {
    const state = started();
    expect(state.policyApproval).toBeNull();
    expect(at(state, T0).action).toEqual({ kind: 'append', events: [{ type: 'ApprovalRequested', data: expect.objectContaining({ approvalId: `${RUN}.policy`, stepId: 'policy' }) }] });
  });

  it('parses the gate\'s id and every step approval\'s id, and nothing else of that shape', () => {
    expect(parseApprovalId(GATE)).toEqual({ runId: RUN, stepId: POLICY_APPROVAL_STEP });
    expect(parseApprovalId(`${RUN}.policy`)).toEqual({ runId: RUN, stepId: 'policy' });
    for (const bad of [`${RUN}.policy-gates`, `${RUN}.other-gate`, `${RUN}.Policy-gate`, `${RUN}.`]) {
      expect(() => parseApprovalId(bad)).toThrow(expect.objectContaining({ code: 'approval.invalid_id' }));
    }
  });
});
