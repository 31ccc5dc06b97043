import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle, type FakeAnswer } from '../testing/section-pages.js';
import { policiesSection } from './policies.section.js';
import type { PolicyReport, PolicySummary } from './policies.types.js';

const READ_ONLY = ['policies:read'];
const ADMIN = ['policies:read', 'policies:admin'];
const TEXT = 'forbid(principal, action, resource == Tool::"pay_invoice")\n  when { context.arguments.amount > 500 && "<b>" == "<b>" };';
const POLICIES: PolicySummary[] = [
  { name: 'big_payments', version: 2, mode: 'log-only', text: TEXT },
  { name: 'no_exports', version: 1, mode: 'enforce', text: 'forbid(principal, action, resource == Tool::"export");' },
];
const REPORT: PolicyReport = {
  since: null,
  evaluations: [],
  policies: [
    { policy: 'big_payments', mode: 'log-only', deny: 3, approvalRequired: 1, error: 0, latest: [{ tool: 'pay_invoice', userId: 'alice', decision: 'deny', at: '2026-01-02T03:04:05.000Z' }] },
    { policy: 'no_exports', mode: 'enforce', deny: 1, approvalRequired: 0, error: 2, latest: [{ tool: 'export', userId: 'bob', decision: 'error', at: '2026-01-03T03:04:05.000Z' }] },
  ],
};

const api = (change: (method: string, path: string, body: unknown) => unknown = () => ({ name: 'big_payments', version: 3, mode: 'enforce', changed: true })): FakeAnswer => (method, path, _query, body) => {
  if (method !== 'GET') return change(method, path, body);
  return path === '/v1/policies' ? { policies: POLICIES } : REPORT;
};

describe('the policies section', () => {
  it('lists each policy with its mode, version and what it blocked or would have blocked; publishing only for policies:admin', async () => {
    const admin = await handle(policiesSection, 'GET', '/console/policies', api(), { scopes: ADMIN });
    expect(admin.html).toContain('would have denied 3, would have asked 1 approval, 0 evaluation errors');
    expect(admin.html).toContain('refused 1, asked 0 approvals, 2 evaluation errors (refused)');
    expect(admin.html).toContain('Would have been denied');
    expect(admin.html).toContain('Publish a policy');
    const reader = await handle(policiesSection, 'GET', '/console/policies', api(), { scopes: READ_ONLY });
    expect(reader.html).not.toContain('Publish a policy');
    expect(reader.calls.map((call) => [call.path, call.query])).toEqual([['/v1/policies', {}], ['/v1/policy-report', { policy: undefined, limit: 1 }]]);
  });

  it("shows a policy's Cedar text escaped, its report's examples, and the change links for policies:admin only", async () => {
    const admin = await handle(policiesSection, 'GET', '/console/policies/big_payments', api(), { scopes: ADMIN });
    expect(admin.html).toContain('&quot;&lt;b>&quot; == &quot;&lt;b>&quot;');
    expect(admin.html).not.toContain('"<b>"');
    expect(admin.html).toContain('pay_invoice');
    expect(admin.html).toContain('Enforce big_payments');
    expect(admin.html).toContain('Remove big_payments');
    expect(admin.calls[1]).toMatchObject({ path: '/v1/policy-report', query: { policy: 'big_payments', limit: 20 } });
    const reader = await handle(policiesSection, 'GET', '/console/policies/big_payments', api(), { scopes: READ_ONLY });
    expect(reader.html).not.toMatch(/Enforce big_payments|Remove big_payments/);
    for (const form of ['/console/publish-policy', '/console/policies/big_payments/mode', '/console/policies/big_payments/remove']) {
      expect((await handle(policiesSection, 'GET', form, api(), { scopes: READ_ONLY })).result).toMatchObject({ status: 403 });
    }
  });

  it("is Not found for a policy the tenant does not have, on each of its pages, and sends nothing", async () => {
    for (const [method, path] of [['GET', '/console/policies/theirs'], ['GET', '/console/policies/theirs/mode'], ['POST', '/console/policies/theirs/mode'], ['GET', '/console/policies/theirs/remove'], ['POST', '/console/policies/theirs/remove']] as const) {
      const { result, calls } = await handle(policiesSection, method, path, api(), { scopes: ADMIN, form: { mode: 'enforce' } });
      expect([path, result]).toMatchObject([path, { title: 'Not found', status: 404 }]);
      expect(calls.map((call) => call.method)).toEqual(['GET']);
    }
  });

  it('moves a policy between modes and removes it after a confirmation page naming the change', async () => {
    const confirm = await handle(policiesSection, 'GET', '/console/policies/big_payments/mode', api(), { scopes: ADMIN });
    expect(confirm.html).toContain('Enforce big_payments?');
    expect(confirm.html).toContain('name="mode" value="enforce"');
    expect(confirm.html).toContain('name="csrf" value="csrf-token"');
    const enforced = await handle(policiesSection, 'POST', '/console/policies/big_payments/mode', api(), { scopes: ADMIN, form: { mode: 'enforce' } });
    expect(enforced.result).toEqual({ kind: 'redirect', to: '/console/policies/big_payments?notice=enforce' });
    expect(enforced.calls[1]).toEqual({ method: 'POST', path: '/v1/policies/big_payments/mode', query: {}, body: { mode: 'enforce' } });
    const bogus = await handle(policiesSection, 'POST', '/console/policies/big_payments/mode', api(), { scopes: ADMIN, form: { mode: 'sometimes' } });
    expect(bogus.html).toContain('Choose log-only or enforce.');
    expect(bogus.calls.map((call) => call.method)).toEqual(['GET', 'GET']);
    const back = await handle(policiesSection, 'GET', '/console/policies/no_exports/mode', api(), { scopes: ADMIN });
    expect(back.html).toContain('Switch no_exports to log-only');
    const removed = await handle(policiesSection, 'POST', '/console/policies/no_exports/remove', api(() => ({ name: 'no_exports', removed: true })), { scopes: ADMIN });
    expect(removed.result).toEqual({ kind: 'redirect', to: '/console/policies?notice=removed' });
    expect(removed.calls[1]).toMatchObject({ method: 'DELETE', path: '/v1/policies/no_exports' });
  });

  it('publishes log-only by default, and shows every Cedar issue at its line and column, keeping what was typed', async () => {
    const form = await handle(policiesSection, 'GET', '/console/publish-policy', api(), { scopes: ADMIN });
    expect(form.html).toMatch(/value="log-only" checked/);
    const published = await handle(policiesSection, 'POST', '/console/publish-policy', api(() => ({ name: 'p1', version: 1, mode: 'log-only', changed: true })), { scopes: ADMIN, form: { name: 'p1', text: TEXT, mode: 'log-only' } });
    expect(published.result).toEqual({ kind: 'redirect', to: '/console/policies/p1?notice=published' });
    expect(published.calls[0]).toMatchObject({ method: 'POST', path: '/v1/policies', body: { name: 'p1', text: TEXT, mode: 'log-only' } });
    const issues = [
      { message: 'unexpected token `when`', help: null, position: { start: 10, end: 14, line: 2, column: 3 } },
      { message: 'attribute `amount` not found', help: 'try `has` first', position: { start: 40, end: 46, line: 3, column: 7 } },
      { message: 'the whole text is wrong', help: null },
    ];
    const refused = await handle(policiesSection, 'POST', '/console/publish-policy', api(() => new ApiError(400, 'policy.invalid', 'policy p1 is invalid', { policy: 'p1', issues })), { scopes: ADMIN, form: { name: 'p1', text: 'forbid(\n  when', mode: 'enforce' } });
    for (const message of ['Line 2, column 3: unexpected token `when`', 'Line 3, column 7: attribute `amount` not found (try `has` first)', 'The policy: the whole text is wrong']) {
      expect(refused.html).toContain(`<a href="#text">${message}</a>`);
    }
    expect(refused.html).toContain('forbid(\n  when</textarea>');
    expect(refused.html).toMatch(/value="enforce" checked/);
    const badName = await handle(policiesSection, 'POST', '/console/publish-policy', api(() => new ApiError(400, 'policy.invalid_name', 'a policy name is 1-64 of a-z', {})), { scopes: ADMIN, form: { name: 'Bad Name', text: TEXT, mode: 'log-only' } });
    expect(badName.html).toContain('<a href="#name">a policy name is 1-64 of a-z</a>');
    const empty = await handle(policiesSection, 'POST', '/console/publish-policy', api(), { scopes: ADMIN, form: { name: '', text: ' ', mode: 'log-only' } });
    expect(empty.html).toContain('Name: enter');
    expect(empty.calls).toEqual([]);
  });

  it('leaves the API to refuse a forged change from someone without policies:admin (the router shows its 403)', async () => {
    await expect(handle(policiesSection, 'POST', '/console/publish-policy', api(() => new ApiError(403, 'insufficient_scope', 'needs policies:admin', {})), { scopes: READ_ONLY, form: { name: 'p1', text: TEXT, mode: 'enforce' } })).rejects.toMatchObject({ status: 403 });
  });
});
