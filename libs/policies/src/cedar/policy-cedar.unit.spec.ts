import { describe, expect, it } from '@jest/globals';
import { CompiledPolicySet, type PolicyRequest } from './policy-evaluation.js';
import { validatePolicyText } from './policy-validation.js';

const PAY_LIMIT = 'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments.amount > 500 };';
const call = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  userId: 'alice', clientId: 'claude', scopes: ['automation:pay_invoice'], groups: [], tool: 'pay_invoice', toolScope: 'automation:pay_invoice', automation: true, arguments: { amount: 700 }, ...overrides,
});
let slots = 0;
const compiled = (...policies: Array<[string, string]>): CompiledPolicySet => new CompiledPolicySet(`test-${++slots}`, policies.map(([name, text]) => ({ name, statements: validatePolicyText(name, text) })));

describe('policy validation against the Ledgerline schema', () => {
  it('reports a parse error with its byte offsets, line and column', () => {
    const text = 'permit(principal, action, resource);\nforbid(principal, action, resource) when { context.arguments.amount > };';
    expect(() => validatePolicyText('broken', text)).toThrow(expect.objectContaining({
      code: 'policy.invalid',
      details: expect.objectContaining({ issues: [expect.objectContaining({ position: { start: 107, end: 108, line: 2, column: 71 } })] }),
    }));
  });

  it('reports a schema violation (an unknown attribute) with its position and Cedar\'s hint', () => {
    const text = 'forbid(principal, action, resource)\n  when { principal.grups.contains("x") };';
    try {
      validatePolicyText('typo', text);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({ code: 'policy.invalid', kind: 'validation' });
      const [issue, ...others] = (error as { details: { issues: Array<{ message: string; help: string; position: { line: number; column: number } }> } }).details.issues;
      expect(others).toEqual([]);
      expect(issue!.message).toMatch(/grups/);
      expect(issue!.help).toMatch(/groups/);
      expect(issue!.position).toMatchObject({ line: 2, column: 10 });
    }
  });

  it('accepts accesses under context.arguments (typed at evaluation) but still checks the rest of the policy', () => {
    expect(validatePolicyText('pay_limit', PAY_LIMIT)).toEqual([{ text: PAY_LIMIT, effect: 'forbid' }]);
    expect(() => validatePolicyText('mixed', 'forbid(principal, action, resource) when { context.arguments.x == 1 || principal.client == 3 };'))
      .toThrow(expect.objectContaining({ code: 'policy.invalid' }));
  });

  it('reads @requireApproval, and refuses templates, empty texts and a blank group', () => {
    expect(validatePolicyText('big', `@requireApproval("managers")\n${PAY_LIMIT}`)).toEqual([expect.objectContaining({ effect: 'forbid', approvalGroup: 'managers' })]);
    expect(() => validatePolicyText('t', 'permit(principal == ?principal, action, resource);')).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
    expect(() => validatePolicyText('e', '// nothing')).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
    expect(() => validatePolicyText('g', `@requireApproval("")\n${PAY_LIMIT}`)).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
  });
});

describe('policy evaluation', () => {
  it('denies a call a forbid matches on its arguments and allows the others (the implicit permit)', () => {
    const set = compiled(['pay_limit', PAY_LIMIT]);
    expect(set.evaluate(call())).toEqual({ decision: 'deny', matchedPolicies: ['pay_limit'], approvalGroups: [], erroredPolicies: [] });
    expect(set.evaluate(call({ arguments: { amount: 100 } })).decision).toBe('allow');
    expect(set.evaluate(call({ tool: 'memory_put', toolScope: 'memory:write', automation: false, arguments: { key: 'k' } })).decision).toBe('allow');
  });

  it('maps whole numbers to Longs and decimals to Cedar decimals', () => {
    const set = compiled(['decimal_limit', 'forbid(principal, action, resource == Tool::"pay_invoice") when { context.arguments.amount.greaterThan(decimal("500.0")) };']);
    expect(set.evaluate(call({ arguments: { amount: 500.5 } })).decision).toBe('deny');
    expect(set.evaluate(call({ arguments: { amount: 499.99 } })).decision).toBe('allow');
    // A whole number is a Long: a decimal method on it is a type error, and errors refuse.
    expect(set.evaluate(call({ arguments: { amount: 700 } })).decision).toBe('error');
  });

  it('leaves null attributes out (has is false), takes arrays as sets, and numbers Cedar cannot hold as text', () => {
    const set = compiled(
      ['noted', 'forbid(principal, action, resource) when { context.arguments has note };'],
      ['urgent', 'forbid(principal, action, resource) when { context.arguments has tags && context.arguments.tags.contains("urgent") };'],
      ['huge', 'forbid(principal, action, resource) when { context.arguments has big && context.arguments.big == "1e+21" };'],
    );
    expect(set.evaluate(call({ arguments: { note: null } })).decision).toBe('allow');
    expect(set.evaluate(call({ arguments: { note: 'x' } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['noted'] });
    expect(set.evaluate(call({ arguments: { tags: [null, 'urgent', 'urgent'] } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['urgent'] });
    expect(set.evaluate(call({ arguments: { big: 1e21 } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['huge'] });
  });

  it('reads the caller\'s groups, client and scopes', () => {
    const set = compiled(['finance_only', 'forbid(principal, action, resource == Tool::"pay_invoice") unless { principal.groups.contains("finance") };']);
    expect(set.evaluate(call({ groups: ['finance'] })).decision).toBe('allow');
    expect(set.evaluate(call({ groups: ['sales'] }))).toMatchObject({ decision: 'deny', matchedPolicies: ['finance_only'] });
    const byClient = compiled(['no_cursor', 'forbid(principal, action, resource) when { principal.client == "cursor" && !principal.scopes.contains("runs:admin") };']);
    expect(byClient.evaluate(call({ clientId: 'cursor' })).decision).toBe('deny');
    expect(byClient.evaluate(call({ clientId: 'cursor', scopes: ['runs:admin'] })).decision).toBe('allow');
  });

  it('asks for an approval by the annotated group; a plain forbid that also matches wins', () => {
    const approval = ['big_payments', `@requireApproval("managers")\n${PAY_LIMIT}`] as [string, string];
    expect(compiled(approval).evaluate(call())).toEqual({ decision: 'approval_required', matchedPolicies: ['big_payments'], approvalGroups: ['managers'], erroredPolicies: [] });
    expect(compiled(approval).evaluate(call({ arguments: { amount: 5 } })).decision).toBe('allow');
    const both = compiled(approval, ['night', 'forbid(principal, action, resource) when { context.argumentKeys.contains("amount") };']);
    expect(both.evaluate(call())).toMatchObject({ decision: 'deny', matchedPolicies: ['night'] });
  });

  it('gives error, never allow, when a policy fails to evaluate (a missing argument, a reserved key)', () => {
    const set = compiled(['pay_limit', PAY_LIMIT]);
    expect(set.evaluate(call({ arguments: { invoiceId: 'i-1' } }))).toEqual({ decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: ['pay_limit'] });
    expect(set.evaluate(call({ arguments: { amount: 1, x: { __entity: { type: 'User', id: 'root' } } } })).decision).toBe('error');
  });

  it('keeps each set\'s own parse when two sets share a slot in turn', () => {
    const first = new CompiledPolicySet('shared', [{ name: 'a', statements: validatePolicyText('a', PAY_LIMIT) }]);
    const second = new CompiledPolicySet('shared', [{ name: 'b', statements: validatePolicyText('b', 'forbid(principal, action, resource);') }]);
    expect(first.evaluate(call({ arguments: { amount: 1 } })).decision).toBe('allow');
    expect(second.evaluate(call({ arguments: { amount: 1 } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['b'] });
    expect(first.evaluate(call({ arguments: { amount: 1 } })).decision).toBe('allow');
  });
});
