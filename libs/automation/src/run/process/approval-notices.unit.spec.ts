import { describe, expect, it } from '@jest/globals';
import { parseAutomationDefinition } from '../../definition/index.js';
import type { RunEvent } from '../run.events.js';
import { evolveRun, initialRunState, type ActiveRunState } from '../run.state.js';
import { nextRunAction, type RunAction } from './next-run-action.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const S = 1000;
const RUN = 'run-00000000-0000-7000-8000-000000000001';
const APPROVAL = `${RUN}.approve`;

const definition = (approval: Record<string, unknown>) => parseAutomationDefinition({
  name: 'pay_invoice', title: 'Pay', description: 'Pays.', inputSchema: { type: 'object', properties: { amount: { type: 'number' } } },
  steps: [{ id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}}?', ...approval }],
});
const notified = definition({
  timeoutSeconds: 600, approvers: { group: 'finance' }, reminders: { everySeconds: 60 }, escalation: { afterSeconds: 150, group: 'cfo' }, notify: { connector: 'chat', path: '/hooks/approvals' },
});

function started(): ActiveRunState {
  const event: RunEvent = { type: 'RunStarted', data: { runId: RUN, automation: 'pay_invoice', version: 1, input: { amount: 42 }, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 3600 * S, stepIds: ['approve'], secretPins: {} } };
  return evolveRun(initialRunState(), event) as ActiveRunState;
}

/** Given the run so far, what the saga does at `now`, with the events it appends folded in. */
function at(state: ActiveRunState, now: number, def = notified, honourLeases = false): { action: RunAction; state: ActiveRunState } {
  const action = nextRunAction(state, def, { now, honourLeases, publicUrl: 'https://ledgerline.example' });
  const next = action.kind === 'append' ? action.events.reduce((folded, event) => evolveRun(folded, event) as ActiveRunState, state) : state;
  return { action, state: next };
}

const sent = (state: ActiveRunState, notice: string, attempt = 1): ActiveRunState => [
  { type: 'ApprovalNotificationStarted', data: { approvalId: APPROVAL, stepId: 'approve', notice, attempt, startedAt: T0, leaseUntil: T0 + 35 * S } },
  { type: 'ApprovalNotificationSent', data: { approvalId: APPROVAL, stepId: 'approve', notice, attempt, status: 200, connectorCall: { connector: 'chat', ok: true, status: 200, errorClass: null } } },
].reduce((folded, event) => evolveRun(folded, event as RunEvent) as ActiveRunState, state);

describe('approval reminders and escalation in nextRunAction', () => {
  it('requests the approval with its group, its request time and the first notice due', () => {
    const { action } = at(started(), T0);
    expect(action).toEqual({ kind: 'append', events: [{ type: 'ApprovalRequested', data: expect.objectContaining({ approvalId: APPROVAL, group: 'finance', requestedAt: T0, nextNoticeAt: T0 + 60 * S, deadlineAt: T0 + 600 * S }) }] });
  });

  it('sleeps until the first reminder, then appends it once and delivers it with its key, the link and the prompt', () => {
    let { state } = at(started(), T0);
    expect(at(state, T0 + 59 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 60 * S });
    const due = at(state, T0 + 60 * S);
    expect(due.action).toEqual({ kind: 'append', events: [{ type: 'ApprovalReminderDue', data: { approvalId: APPROVAL, stepId: 'approve', n: 1, dueAt: T0 + 60 * S, nextNoticeAt: T0 + 120 * S } }] });
    state = due.state;
    const delivery = at(state, T0 + 60 * S).action;
    expect(delivery).toMatchObject({
      kind: 'notify', notice: 'reminder:1', attempt: 1, connector: 'chat', idempotencyKey: `${APPROVAL}:reminder:1`,
      request: { method: 'POST', path: '/hooks/approvals', body: {
        kind: 'approval.reminder', approvalId: APPROVAL, runId: RUN, automation: 'pay_invoice', stepId: 'approve', prompt: 'Pay 42?', groups: ['finance'], n: 1,
        dueAt: new Date(T0 + 60 * S).toISOString(), deadlineAt: new Date(T0 + 600 * S).toISOString(), link: `https://ledgerline.example/console/approvals/${encodeURIComponent(APPROVAL)}`,
      } },
    });
    // Delivered: nothing until the next reminder.
    expect(at(sent(state, 'reminder:1'), T0 + 61 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 120 * S });
  });

  it('escalates once at its time, offering the approval to both groups, before the reminder due at the same moment', () => {
    let state = at(started(), T0).state;
    for (const n of [1, 2]) state = sent(at(state, T0 + n * 60 * S).state, `reminder:${n}`);
    expect(at(state, T0 + 149 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 150 * S });
    const escalated = at(state, T0 + 180 * S);
    expect(escalated.action).toEqual({ kind: 'append', events: [{ type: 'ApprovalEscalated', data: { approvalId: APPROVAL, stepId: 'approve', group: 'cfo', dueAt: T0 + 150 * S, nextNoticeAt: T0 + 180 * S } }] });
    state = escalated.state;
    expect(state.approval?.groups).toEqual(['finance', 'cfo']);
    expect(at(state, T0 + 180 * S).action).toMatchObject({ kind: 'notify', notice: 'escalation', idempotencyKey: `${APPROVAL}:escalation`, request: { body: { kind: 'approval.escalation', groups: ['finance', 'cfo'], n: null } } });
    state = sent(state, 'escalation');
    expect(at(state, T0 + 180 * S).action).toMatchObject({ kind: 'append', events: [{ type: 'ApprovalReminderDue', data: { n: 3 } }] });
    state = sent(at(state, T0 + 180 * S).state, 'reminder:3');
    expect(at(state, T0 + 181 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 240 * S });
  });

  it('after a long pause sends only the latest reminder due, not the backlog', () => {
    const state = at(started(), T0).state;
    expect(at(state, T0 + 130 * S, definition({ timeoutSeconds: 600, reminders: { everySeconds: 60 }, notify: { connector: 'chat' } })).action)
      .toMatchObject({ kind: 'append', events: [{ type: 'ApprovalReminderDue', data: { n: 2, dueAt: T0 + 120 * S, nextNoticeAt: T0 + 180 * S } }] });
  });

  it('redoes a delivery cut off by a crash with the same attempt, honours another worker\'s lease, and retries a failure at its time', () => {
    let state = at(at(started(), T0).state, T0 + 60 * S).state;
    state = evolveRun(state, { type: 'ApprovalNotificationStarted', data: { approvalId: APPROVAL, stepId: 'approve', notice: 'reminder:1', attempt: 1, startedAt: T0 + 60 * S, leaseUntil: T0 + 95 * S } }) as ActiveRunState;
    expect(at(state, T0 + 70 * S).action).toMatchObject({ kind: 'notify', notice: 'reminder:1', attempt: 1 });
    expect(at(state, T0 + 70 * S, notified, true).action).toEqual({ kind: 'idle', wakeAt: T0 + 95 * S });
    state = evolveRun(state, {
      type: 'ApprovalNotificationFailed', data: { approvalId: APPROVAL, stepId: 'approve', notice: 'reminder:1', attempt: 1, errorClass: 'server', code: 'connector.http_503', message: '503', status: 503, retryAt: T0 + 72 * S },
    }) as ActiveRunState;
    expect(at(state, T0 + 71 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 72 * S });
    expect(at(state, T0 + 72 * S).action).toMatchObject({ kind: 'notify', notice: 'reminder:1', attempt: 2 });
    // Given up: the approval waits on, and the next reminder comes at its time.
    state = evolveRun(state, {
      type: 'ApprovalNotificationFailed', data: { approvalId: APPROVAL, stepId: 'approve', notice: 'reminder:1', attempt: 2, errorClass: 'server', code: 'connector.http_503', message: '503', status: 503, retryAt: null },
    }) as ActiveRunState;
    expect(at(state, T0 + 73 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 120 * S });
  });

  it('stops at a decision or an expiry, and leaves approvals without notices (and older ones) as they were', () => {
    let state = at(started(), T0).state;
    const granted = evolveRun(state, { type: 'ApprovalGranted', data: { approvalId: APPROVAL, stepId: 'approve', decidedBy: 'bob', reason: 'ok' } }) as ActiveRunState;
    expect(at(granted, T0 + 60 * S).action).toMatchObject({ kind: 'append', events: [{ type: 'RunCompleted' }] });
    expect(at(state, T0 + 600 * S).action).toMatchObject({ kind: 'append', events: [{ type: 'ApprovalExpired' }] });
    const plain = definition({ timeoutSeconds: 600 });
    state = at(started(), T0, plain).state;
    expect(state.approval).toMatchObject({ groups: [], requestedAt: null });
    expect(at(state, T0 + 60 * S, plain).action).toEqual({ kind: 'idle', wakeAt: T0 + 600 * S });
    // An approval requested before reminders existed (no request time) folds and waits as before, whatever its step now declares.
    const older = evolveRun(started(), { type: 'ApprovalRequested', data: { approvalId: APPROVAL, stepId: 'approve', prompt: 'Pay?', requestedBy: 'alice', deadlineAt: null } }) as ActiveRunState;
    expect(at(older, T0 + 300 * S).action).toEqual({ kind: 'idle', wakeAt: T0 + 3600 * S });
  });
});
