import { describe, expect, it } from '@jest/globals';
import { simulateConnectorResponse } from '#connectors';
import { parseAutomationDefinition, type CallStep } from '../definition/index.js';
import type { CallAction } from '../run/process/next-run-action.js';
import type { SimulatedCall } from '../run/commands/dry-run/plan-dry-run.js';
import type { PolicyApprovalData, RunEvent } from '../run/run.events.js';
import { evolveRun, initialRunState, type ActiveRunState } from '../run/run.state.js';
import { compareShadowRun, type RenderCall } from './compare-shadow-run.js';
import { liveRunRecord, type LiveAnswer, type TimedRunEvent } from './live-run-record.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const RUN = 'run-0000';

const definitionOf = (steps: unknown[]) => parseAutomationDefinition({
  name: 'pay_invoice', title: 'Pay', description: 'Pays.', inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' } } }, steps,
});
const quote = (body: Record<string, unknown> = { invoice: '{{input.invoiceId}}' }) => ({ id: 'quote', type: 'call', connector: 'billing', request: { method: 'POST', path: '/quotes', body } });
const pay = { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay', body: { quote: '{{steps.quote.output.body.id}}' } }, dryRunResponse: { status: 200, body: { paid: true } } };
const approve = { id: 'approve', type: 'approval', prompt: 'Pay {{input.invoiceId}}?' };

/** Renders as the gateway would (no secret here), counting what it rendered; answered by the live answer, else the step's dryRunResponse or an empty 200. */
function renderer(): { render: RenderCall; rendered: string[] } {
  const rendered: string[] = [];
  const render: RenderCall = async (action: CallAction, step: CallStep, live: LiveAnswer | undefined): Promise<SimulatedCall> => {
    rendered.push(action.stepId);
    const request = { method: action.request.method, url: `https://billing.test${action.request.path}`, headers: { 'idempotency-key': action.idempotencyKey }, body: action.request.body ?? null };
    const rate = { heldBack: false, retryAfterMs: 0 };
    if (live) return { request, egress: 'allowed', rate, ...live };
    const declared = { status: step.dryRunResponse?.status ?? 200, headers: {}, body: step.dryRunResponse?.body ?? null };
    const response = { status: declared.status, body: declared.body };
    try {
      return { request, egress: 'allowed', rate, response, result: { ok: true, response: await simulateConnectorResponse(request, declared) } };
    } catch (error) {
      return { request, egress: 'allowed', rate, response, result: { ok: false, error } };
    }
  };
  return { render, rendered };
}

/** A finished live run: its events with times, and its final state (outputs plain, as the saga opens them). */
function liveRun(stepIds: string[], events: Array<[RunEvent, number]>, policyApproval?: PolicyApprovalData): { timeline: TimedRunEvent[]; state: ActiveRunState } {
  const started: RunEvent = { type: 'RunStarted', data: { runId: RUN, automation: 'pay_invoice', version: 1, input: { invoiceId: 'inv-1' }, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 3_600_000, stepIds, secretPins: {}, shadowVersion: 2, ...(policyApproval && { policyApproval }) } };
  const timeline = [[started, T0] as [RunEvent, number], ...events].map(([event, at]) => ({ event, at }));
  const state = timeline.reduce((folded, { event }) => evolveRun(folded, event), initialRunState()) as ActiveRunState;
  return { timeline, state };
}

const call = (stepId: string, startedAt: number, endedAt: number, output: unknown): Array<[RunEvent, number]> => [
  [{ type: 'StepStarted', data: { stepId, attempt: 1, startedAt, leaseUntil: startedAt + 1000 } }, startedAt],
  [{ type: 'StepSucceeded', data: { stepId, attempt: 1, output: output as never } }, endedAt],
];

function compare(live: ReturnType<typeof liveRun>, liveSteps: unknown[], shadowSteps: unknown[], render: RenderCall, policyApproval?: PolicyApprovalData) {
  return compareShadowRun({
    runId: RUN, automation: 'pay_invoice', live: { version: 1, definition: definitionOf(liveSteps) }, shadow: { version: 2, definition: definitionOf(shadowSteps) },
    input: { invoiceId: 'inv-1' }, startedBy: 'alice', startedAt: T0, record: liveRunRecord(live.timeline, live.state), render, ...(policyApproval && { policyApproval }),
  });
}

describe('compareShadowRun', () => {
  const completed = liveRun(['quote', 'pay'], [
    ...call('quote', T0 + 10, T0 + 60, { status: 201, body: { id: 'q-7' } }),
    ...call('pay', T0 + 70, T0 + 100, { status: 200, body: { paid: true } }),
    [{ type: 'RunCompleted', data: { outputs: {} } }, T0 + 100],
  ]);

  it('finds a shadow that renders the same requests identical, answered by the live responses (a later template reads the live output)', async () => {
    const { render, rendered } = renderer();
    const compared = await compare(completed, [quote(), pay], [quote(), { ...pay, dryRunResponse: { status: 500 } }], render);
    expect(compared).toMatchObject({
      runId: RUN, liveVersion: 1, shadowVersion: 2, requestsIdentical: true, sameSequence: true,
      live: { outcome: 'completed', failureClass: null, durationMs: 100 },
      // Each call takes the live call's latency on the shadow's clock: 50 + 30 ms.
      shadow: { outcome: 'completed', failureClass: null, durationMs: 80 },
      calls: [{ stepId: 'quote', live: true, shadow: true, differingPaths: [] }, { stepId: 'pay', live: true, shadow: true, differingPaths: [] }],
    });
    expect(rendered).toEqual(['quote', 'pay', 'quote', 'pay']);
  });

  it('lists the paths of a field the shadow renders differently, never the values', async () => {
    const compared = await compare(completed, [quote(), pay], [quote({ invoice: '{{input.invoiceId}}', currency: 'EUR' }), pay], renderer().render);
    expect(compared.requestsIdentical).toBe(false);
    expect(compared.calls).toEqual([{ stepId: 'quote', live: true, shadow: true, differingPaths: ['body.currency'] }, { stepId: 'pay', live: true, shadow: true, differingPaths: [] }]);
    expect(JSON.stringify(compared)).not.toContain('EUR');
  });

  it('counts a call only one side makes as a difference in requests and in sequence', async () => {
    const compared = await compare(completed, [quote(), pay], [quote()], renderer().render);
    expect(compared).toMatchObject({ requestsIdentical: false, sameSequence: false, calls: [{ stepId: 'quote', live: true, shadow: true }, { stepId: 'pay', live: true, shadow: false }] });
  });

  it('answers the shadow with the live failure, so it fails with the same class; a new step the live run never reached gets its dryRunResponse', async () => {
    const failed = liveRun(['quote'], [
      [{ type: 'StepStarted', data: { stepId: 'quote', attempt: 1, startedAt: T0 + 10, leaseUntil: T0 + 1000 } }, T0 + 10],
      [{ type: 'StepFailed', data: { stepId: 'quote', attempt: 1, errorClass: 'client', code: 'connector.http_4xx', message: 'HTTP 422', status: 422, retryAt: null } }, T0 + 40],
      [{ type: 'RunFailed', data: { reason: 'step.not_retryable', stepId: 'quote', message: 'gave up' } }, T0 + 40],
    ]);
    const same = await compare(failed, [quote()], [quote()], renderer().render);
    expect(same).toMatchObject({ live: { outcome: 'failed', failureClass: 'step.not_retryable' }, shadow: { outcome: 'failed', failureClass: 'step.not_retryable' }, requestsIdentical: true });
    const ok = liveRun(['quote'], [...call('quote', T0 + 10, T0 + 20, { status: 201, body: { id: 'q-1' } }), [{ type: 'RunCompleted', data: { outputs: {} } }, T0 + 20]]);
    const newFailure = await compare(ok, [quote()], [quote(), { ...pay, dryRunResponse: { status: 404 } }], renderer().render);
    expect(newFailure).toMatchObject({ live: { outcome: 'completed', failureClass: null }, shadow: { outcome: 'failed', failureClass: 'step.not_retryable' }, sameSequence: false });
  });

  it("follows the live run's approval decision: denied live, denied in the shadow, and nothing asked", async () => {
    const denied = liveRun(['approve', 'quote'], [
      [{ type: 'ApprovalRequested', data: { approvalId: `${RUN}.approve`, stepId: 'approve', prompt: 'Pay inv-1?', requestedBy: 'alice', deadlineAt: null } }, T0 + 5],
      [{ type: 'ApprovalDenied', data: { approvalId: `${RUN}.approve`, stepId: 'approve', decidedBy: 'bob', reason: 'no' } }, T0 + 50],
      [{ type: 'RunFailed', data: { reason: 'approval.denied', stepId: 'approve', message: 'denied by bob: no' } }, T0 + 50],
    ]);
    const { render, rendered } = renderer();
    const compared = await compare(denied, [approve, quote()], [approve, quote({ other: 1 })], render);
    expect(compared).toMatchObject({ live: { outcome: 'failed', failureClass: 'approval.denied' }, shadow: { outcome: 'failed', failureClass: 'approval.denied' }, requestsIdentical: true, calls: [] });
    expect(rendered).toEqual([]);
  });

  it("waits at the policies' approval in both plans, as the live run did: denied live, the same outcome and sequence in the shadow", async () => {
    const gate: PolicyApprovalData = { groups: ['managers'], policies: ['big_payments'] };
    const gateId = `${RUN}.policy-gate`;
    const denied = liveRun(['quote'], [
      [{ type: 'ApprovalRequested', data: { approvalId: gateId, stepId: 'policy-gate', prompt: 'Start pay_invoice?', requestedBy: 'alice', deadlineAt: null, ...gate } }, T0 + 5],
      [{ type: 'ApprovalDenied', data: { approvalId: gateId, stepId: 'policy-gate', decidedBy: 'bob', reason: 'no' } }, T0 + 50],
      [{ type: 'RunFailed', data: { reason: 'policy.approval_denied', stepId: 'policy-gate', message: 'denied by bob: no' } }, T0 + 50],
    ], gate);
    const { render, rendered } = renderer();
    const compared = await compare(denied, [quote()], [quote({ other: 1 })], render, gate);
    expect(compared).toMatchObject({ live: { outcome: 'failed' }, shadow: { outcome: 'failed' }, sameSequence: true, requestsIdentical: true, calls: [] });
    expect(compared.shadow.failureClass).toBe(compared.live.failureClass);
    expect(rendered).toEqual([]);
    // Granted live: both plans go on past the gate and make their calls.
    const granted = liveRun(['quote'], [
      [{ type: 'ApprovalRequested', data: { approvalId: gateId, stepId: 'policy-gate', prompt: 'Start pay_invoice?', requestedBy: 'alice', deadlineAt: null, ...gate } }, T0 + 5],
      [{ type: 'ApprovalGranted', data: { approvalId: gateId, stepId: 'policy-gate', decidedBy: 'bob', reason: 'ok' } }, T0 + 50],
      ...call('quote', T0 + 60, T0 + 70, { status: 201, body: { id: 'q-1' } }),
      [{ type: 'RunCompleted', data: { outputs: {} } }, T0 + 70],
    ], gate);
    expect(await compare(granted, [quote()], [quote()], renderer().render, gate)).toMatchObject({ live: { outcome: 'completed' }, shadow: { outcome: 'completed' }, sameSequence: true, requestsIdentical: true });
  });
});
