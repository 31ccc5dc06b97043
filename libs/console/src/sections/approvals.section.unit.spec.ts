import { describe, expect, it } from '@jest/globals';
import { handle, notFound, type FakeAnswer } from '../testing/section-pages.js';
import { approvalsSection } from './approvals.section.js';

const RUN = 'run-0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const base = { runId: RUN, automation: 'pay_invoice', requestedBy: 'alice', requestedAt: '2026-01-02T03:04:05.000Z', deadlineAt: null, status: 'pending', decidedBy: null, reason: null };
const GATE = { ...base, approvalId: `${RUN}.policy-gate`, stepId: 'policy-gate', prompt: 'Start pay_invoice? Policy big_payments asks managers to approve this run before its first step.', offeredBy: 'managers' };
const STEP = { ...base, approvalId: `${RUN}.ask`, stepId: 'ask', prompt: 'Refund?', offeredBy: null };

const api = (run: unknown = { runId: RUN, policyApproval: { groups: ['managers'], policies: ['big_payments', 'night_payments'], granted: false } }): FakeAnswer => (_method, path) =>
  path === '/v1/approvals' ? { approvals: [GATE, STEP], nextCursor: null } : run;

describe('the approvals section', () => {
  it('says who each approval is offered to, and that a policy gate was asked by the tenant\'s policies', async () => {
    const { html } = await handle(approvalsSection, 'GET', '/console/approvals', api());
    expect(html).toContain('Group managers (you are in it)');
    expect(html).toContain('Anyone who decides approvals');
    expect(html).toContain("Before its first step, asked by the tenant's policies");
  });

  it("names the policies of a policy gate from its run when the caller may read it, and shows the prompt when not", async () => {
    const page = await handle(approvalsSection, 'GET', `/console/approvals/${GATE.approvalId}`, api(), { scopes: ['approvals:decide', 'runs:read'] });
    expect(page.html).toContain('Offered to');
    expect(page.html).toContain('<code>big_payments</code>, <code>night_payments</code>');
    expect(page.calls.map((call) => call.path)).toEqual(['/v1/approvals', `/v1/runs/${RUN}`]);
    const unreadable = await handle(approvalsSection, 'GET', `/console/approvals/${GATE.approvalId}`, api(notFound('run.not_found')), { scopes: ['approvals:decide', 'runs:read'] });
    expect(unreadable.html).toContain("The tenant's policies ask for this approval");
    expect(unreadable.html).toContain('Policy big_payments asks managers');
    const decider = await handle(approvalsSection, 'GET', `/console/approvals/${GATE.approvalId}`, api(), { scopes: ['approvals:decide'] });
    expect(decider.calls.map((call) => call.path)).toEqual(['/v1/approvals']);
    const step = await handle(approvalsSection, 'GET', `/console/approvals/${STEP.approvalId}`, api(), { scopes: ['approvals:decide', 'runs:read'] });
    expect(step.html).not.toContain("tenant's policies");
    expect(step.calls.map((call) => call.path)).toEqual(['/v1/approvals']);
  });
});
