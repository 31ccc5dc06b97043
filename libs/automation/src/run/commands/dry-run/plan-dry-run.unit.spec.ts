import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '#core';
import { simulateConnectorResponse } from '#connectors';
import { parseAutomationDefinition, type CallStep } from '../../../definition/index.js';
import type { CallAction } from '../../process/next-run-action.js';
import type { PlannedStep } from './dry-run.plan.js';
import { planDryRun, type SimulateCall } from './plan-dry-run.js';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');

/** A downstream that answers every call with the step's dryRunResponse (or an empty 200), by the live classification of statuses. */
const simulate: SimulateCall = async (action: CallAction, step: CallStep) => {
  const request = { method: action.request.method, url: `https://billing.test${action.request.path}`, headers: { 'idempotency-key': action.idempotencyKey }, body: action.request.body ?? null };
  const declared = { status: step.dryRunResponse?.status ?? 200, headers: step.dryRunResponse?.headers ?? {}, body: step.dryRunResponse?.body ?? null };
  const response = { status: declared.status, body: declared.body };
  const rate = { heldBack: false, retryAfterMs: 0 };
  try {
    return { request, egress: 'allowed', rate, response, result: { ok: true, response: await simulateConnectorResponse(request, declared) } };
  } catch (error) {
    return { request, egress: 'allowed', rate, response, result: { ok: false, error } };
  }
};

function definitionOf(steps: unknown[], extra: Record<string, unknown> = {}) {
  return parseAutomationDefinition({
    name: 'pay_invoice', title: 'Pay', description: 'Pays.', inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } } }, steps, ...extra,
  });
}

const plan = (steps: unknown[], input: JsonObject = { invoiceId: 'inv-1', amount: 42 }, extra: Record<string, unknown> = {}) =>
  planDryRun({ dryRunId: 'dryrun-1', automation: 'pay_invoice', version: 3, definition: definitionOf(steps, extra), input, requestedBy: 'alice', now: NOW, simulate });

const stepOf = <T extends PlannedStep['type']>(steps: PlannedStep[], id: string, type: T): Extract<PlannedStep, { type: T }> =>
  steps.find((step) => step.stepId === id && step.type === type) as Extract<PlannedStep, { type: T }>;

describe('planDryRun', () => {
  it('takes a call, a condition on its simulated output, an approval and a wait as the saga would, without waiting', async () => {
    const result = await plan([
      { id: 'quote', type: 'call', connector: 'billing', request: { method: 'POST', path: '/quotes/{{input.invoiceId}}', body: { amount: '{{input.amount}}' } }, dryRunResponse: { status: 201, body: { id: 'q-9', total: 50 } } },
      { id: 'big', type: 'condition', when: { path: 'steps.quote.output.body.total', op: 'gt', value: 10 }, otherwise: 'complete' },
      { id: 'approve', type: 'approval', prompt: 'Pay {{steps.quote.output.body.total}} for {{input.invoiceId}}?', timeoutSeconds: 3600 },
      { id: 'cool_off', type: 'wait', seconds: 60 },
      { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay', body: { quote: '{{steps.quote.output.body.id}}'} } },
    ]);
    expect(result).toMatchObject({ dryRunId: 'dryrun-1', automation: 'pay_invoice', version: 3, outcome: 'completed', error: null });
    expect(result.steps.map((step) => [step.stepId, step.type])).toEqual([['quote', 'call'], ['big', 'condition'], ['approve', 'approval'], ['cool_off', 'wait'], ['pay', 'call']]);
    expect(stepOf(result.steps, 'quote', 'call')).toMatchObject({ request: { method: 'POST', url: 'https://billing.test/quotes/inv-1', body: { amount: 42 } }, response: { status: 201, body: { id: 'q-9', total: 50 } }, attempts: [{ attempt: 1, outcome: 'succeeded', status: 201 }] });
    expect(stepOf(result.steps, 'big', 'condition')).toEqual({ stepId: 'big', type: 'condition', result: true, next: 'approve' });
    expect(stepOf(result.steps, 'approve', 'approval')).toMatchObject({ prompt: 'Pay 50 for inv-1?', assumed: 'granted', approvers: { scope: 'approvals:decide', notUser: 'alice' }, deadlineAt: new Date(NOW + 3_600_000).toISOString() });
    expect(stepOf(result.steps, 'cool_off', 'wait').until).toBe(new Date(NOW + 60_000).toISOString());
    const pay = stepOf(result.steps, 'pay', 'call');
    // Templates read earlier simulated outputs; the wait moved the plan's clock, it was not waited.
    expect(pay.request.body).toEqual({ quote: 'q-9' });
    expect(pay.response).toEqual({ status: 200, body: null });
    expect(pay.attempts[0]!.at).toBe(new Date(NOW + 60_000).toISOString());
  });

  it("lists the approval the tenant's policies ask for before the first step, assumed granted, then the steps", async () => {
    const result = await planDryRun({
      dryRunId: 'dryrun-2', automation: 'pay_invoice', version: 3, definition: definitionOf([{ id: 'hold', type: 'wait', seconds: 60 }]), input: { invoiceId: 'inv-1', amount: 900 },
      requestedBy: 'alice', now: NOW, simulate, policyApproval: { groups: ['managers'], policies: ['big_payments'] },
    });
    expect(result.outcome).toBe('completed');
    expect(result.steps.map((step) => [step.stepId, step.type])).toEqual([['policy-gate', 'approval'], ['hold', 'wait']]);
    expect(stepOf(result.steps, 'policy-gate', 'approval')).toMatchObject({
      prompt: expect.stringMatching(/big_payments/), assumed: 'granted', policies: ['big_payments'], approvers: { scope: 'approvals:decide', notUser: 'alice', groups: ['managers'] },
    });
  });

  it('follows a condition that does not hold to its otherwise, listing the steps it skips', async () => {
    const result = await plan([
      { id: 'check', type: 'call', connector: 'billing', request: { method: 'GET', path: '/invoices/{{input.invoiceId}}' }, dryRunResponse: { body: { paid: true } } },
      { id: 'unpaid', type: 'condition', when: { path: 'steps.check.output.body.paid', op: 'eq', value: false }, otherwise: 'done' },
      { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay' } },
      { id: 'done', type: 'call', connector: 'billing', request: { method: 'POST', path: '/close' } },
    ]);
    expect(result.outcome).toBe('completed');
    expect(stepOf(result.steps, 'unpaid', 'condition')).toMatchObject({ result: false, next: 'done' });
    expect(stepOf(result.steps, 'pay', 'skipped').reason).toMatch(/unpaid/);
    expect(result.steps.some((step) => step.stepId === 'pay' && step.type === 'call')).toBe(false);
    expect(stepOf(result.steps, 'done', 'call').request.url).toBe('https://billing.test/close');
  });

  it('fails a condition whose otherwise is fail, with the run failure the saga would record', async () => {
    const result = await plan([{ id: 'gate', type: 'condition', when: { path: 'input.amount', op: 'lt', value: 10 }, otherwise: 'fail' }, { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay' } }]);
    expect(result).toMatchObject({ outcome: 'failed', error: { stepId: 'gate', code: 'condition.failed' } });
    expect(stepOf(result.steps, 'gate', 'condition')).toMatchObject({ result: false, next: 'fail' });
    expect(result.steps).toHaveLength(1);
  });

  it('retries a declared 5xx as the live retry policy does, instantly, then fails the run', async () => {
    const result = await plan([
      { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay' }, retry: { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 5000 }, dryRunResponse: { status: 503, body: { error: 'down' } } },
      { id: 'notify', type: 'call', connector: 'billing', request: { method: 'POST', path: '/notify' } },
    ]);
    expect(result).toMatchObject({ outcome: 'failed', error: { stepId: 'pay', code: 'step.attempts_exhausted' } });
    const pay = stepOf(result.steps, 'pay', 'call');
    expect(pay.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.status, attempt.code])).toEqual([
      [1, 'retry', 503, 'connector.http_5xx'], [2, 'retry', 503, 'connector.http_5xx'], [3, 'failed', 503, 'connector.http_5xx'],
    ]);
    // The second attempt is at the first's retryAt on the plan's clock.
    expect(pay.attempts[1]!.at).toBe(pay.attempts[0]!.retryAt);
    expect(Date.parse(pay.attempts[0]!.retryAt!)).toBeGreaterThan(NOW);
    expect(result.steps.some((step) => step.stepId === 'notify')).toBe(false);
  });

  it('gives up at once on a declared 4xx (not retryable), as a run would', async () => {
    const result = await plan([{ id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay' }, dryRunResponse: { status: 422, body: { error: 'amount too large' } } }]);
    expect(result).toMatchObject({ outcome: 'failed', error: { stepId: 'pay', code: 'step.not_retryable' } });
    expect(stepOf(result.steps, 'pay', 'call').attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', code: 'connector.http_4xx' })]);
  });

  it("times out where the run's deadline would cut it, without waiting for it", async () => {
    const result = await plan([{ id: 'nap', type: 'wait', seconds: 7200 }, { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay' } }], undefined, { timeoutSeconds: 3600 });
    expect(result.outcome).toBe('timed_out');
    expect(result.steps.map((step) => step.stepId)).toEqual(['nap']);
  });

  it('fails a step whose template cannot be rendered from the simulated outputs', async () => {
    const result = await plan([{ id: 'go', type: 'wait', until: '{{input.invoiceId}}' }]);
    expect(result).toMatchObject({ outcome: 'failed', error: { stepId: 'go', code: 'step.render_failed' } });
  });

  it('lists the reminders and escalation an approval would send before its deadline, and sends none', async () => {
    const result = await plan([{
      id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}}?', timeoutSeconds: 200, approvers: { group: 'finance' },
      reminders: { everySeconds: 60 }, escalation: { afterSeconds: 90, group: 'cfo' }, notify: { connector: 'chat' },
    }]);
    expect(result.outcome).toBe('completed');
    const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();
    expect(stepOf(result.steps, 'approve', 'approval')).toMatchObject({
      approvers: { scope: 'approvals:decide', notUser: 'alice', group: 'finance' }, assumed: 'granted',
      notices: [
        { kind: 'reminder', connector: 'chat', path: '/', group: null, n: 1, dueAt: at(60) },
        { kind: 'escalation', connector: 'chat', path: '/', group: 'cfo', n: null, dueAt: at(90) },
        { kind: 'reminder', connector: 'chat', path: '/', group: null, n: 2, dueAt: at(120) },
        { kind: 'reminder', connector: 'chat', path: '/', group: null, n: 3, dueAt: at(180) },
      ],
    });
    expect(result.steps.filter((step) => step.type === 'call')).toEqual([]);
  });
});
