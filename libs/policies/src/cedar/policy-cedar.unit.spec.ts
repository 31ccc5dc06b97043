import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CedarThread, InlineCedar, type CedarEngine } from './cedar-engine.js';
import { CompiledPolicySet, type PolicyRequest } from './policy-evaluation.js';
import { readsOf, validatePolicyText } from './policy-validation.js';

const PAY_LIMIT = 'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments.amount > 500 };';
const call = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  userId: 'alice', clientId: 'claude', scopes: ['automation:pay_invoice'], groups: [], tool: 'pay_invoice', toolScope: 'automation:pay_invoice', automation: true, arguments: { amount: 700 }, ...overrides,
});
let slots = 0;
/** The engine the evaluation tests run on: Cedar inline, then on its own thread (the platform's). */
let engine: CedarEngine = new InlineCedar();
const compiled = (...policies: Array<[string, string]>): CompiledPolicySet => new CompiledPolicySet(`test-${++slots}`, policies.map(([name, text]) => ({ name, statements: validatePolicyText(name, text) })), engine);

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
    expect(validatePolicyText('pay_limit', PAY_LIMIT)).toEqual([{ text: PAY_LIMIT, effect: 'forbid', reads: { principal: new Set(), resource: new Set(), context: new Set(['arguments']) }, json: expect.objectContaining({ effect: 'forbid', conditions: [expect.objectContaining({ kind: 'when' })] }) }]);
    expect(() => validatePolicyText('mixed', 'forbid(principal, action, resource) when { context.arguments.x == 1 || principal.client == 3 };'))
      .toThrow(expect.objectContaining({ code: 'policy.invalid' }));
  });

  it('marks the statements that read a groups attribute (only for them does the gate read the tenant\'s groups)', () => {
    expect(validatePolicyText('pay_limit', PAY_LIMIT)[0]!.readsGroups).toBeUndefined();
    expect(validatePolicyText('g', 'forbid(principal, action, resource) unless { principal.groups.contains("finance") };')[0]!.readsGroups).toBe(true);
    expect(validatePolicyText('h', 'forbid(principal, action, resource) when { principal has groups };')[0]!.readsGroups).toBe(true);
    expect(validatePolicyText('i', '@requireApproval("m")\nforbid(principal, action, resource) when { principal["groups"].isEmpty() };')[0]).toMatchObject({ approvalGroup: 'm', readsGroups: true });
  });

  it('says which attributes of the call a statement reads, and reads all of a variable used whole or of an entity literal', () => {
    const reads = (text: string) => validatePolicyText('p', text)[0]!.reads;
    expect(reads('forbid(principal in User::"boss", action, resource is Tool) when { principal.groups.contains("x") && resource["scope"] like "a*" } unless { context has argumentKeys };'))
      .toEqual({ principal: new Set(['groups']), resource: new Set(['scope']), context: new Set(['argumentKeys']) });
    expect(reads('forbid(principal, action, resource) when { principal == User::"mallory" };')).toEqual({ principal: 'all', resource: 'all', context: new Set() });
    expect(reads('forbid(principal, action, resource) when { User::"alice".scopes.isEmpty() };')).toEqual({ principal: 'all', resource: 'all', context: new Set() });
    expect(reads('forbid(principal, action, resource) when { (if context.arguments has x then principal else principal).client == "c" };'))
      .toEqual({ principal: 'all', resource: new Set(), context: new Set(['arguments']) });
    // Cedar's JSON form, for what the policy language cannot say against the schema.
    expect(readsOf([{ kind: 'when', body: { '==': { left: { Var: 'context' }, right: { Record: {} } } } }])).toEqual({ principal: new Set(), resource: new Set(), context: 'all' });
    expect(readsOf([{ kind: 'when', body: { hasTag: { left: { Var: 'resource' }, right: { Value: 'x' } } } }])).toEqual({ principal: new Set(), resource: 'all', context: new Set() });
  });

  it('reads @requireApproval, and refuses templates, empty texts and a blank group', () => {
    expect(validatePolicyText('big', `@requireApproval("managers")\n${PAY_LIMIT}`)).toEqual([expect.objectContaining({ effect: 'forbid', approvalGroup: 'managers' })]);
    expect(() => validatePolicyText('t', 'permit(principal == ?principal, action, resource);')).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
    expect(() => validatePolicyText('e', '// nothing')).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
    expect(() => validatePolicyText('g', `@requireApproval("")\n${PAY_LIMIT}`)).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
  });
});

describe.each([['inline', () => new InlineCedar()], ['on its own thread', () => new CedarThread()]] as const)('policy evaluation, Cedar %s', (_name, makeEngine) => {
  beforeAll(() => {
    engine = makeEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('denies a call a forbid matches on its arguments and allows the others (the implicit permit)', async () => {
    const set = compiled(['pay_limit', PAY_LIMIT]);
    expect(await set.evaluate(call())).toEqual({ decision: 'deny', matchedPolicies: ['pay_limit'], approvalGroups: [], erroredPolicies: [] });
    expect((await set.evaluate(call({ arguments: { amount: 100 } }))).decision).toBe('allow');
    expect((await set.evaluate(call({ tool: 'memory_put', toolScope: 'memory:write', automation: false, arguments: { key: 'k' } }))).decision).toBe('allow');
  });

  it('decides as it would with the whole call when given only what the statements read', async () => {
    const texts = [
      'forbid(principal, action, resource) when { principal.groups.contains("finance") };',
      'forbid(principal, action, resource) when { principal has client && principal.client == "rogue" };',
      'forbid(principal, action, resource) when { resource.automation && context.arguments has amount && context.arguments.amount > 10 };',
      'forbid(principal, action, resource) when { context.argumentKeys.contains("secret") };',
      'forbid(principal == User::"mallory", action, resource);',
      'forbid(principal, action, resource) when { User::"alice".scopes.contains("memory:write") };',
      'forbid(principal, action, resource is Tool) unless { context has arguments };',
      '@requireApproval("managers")\nforbid(principal, action, resource) when { resource.scope like "automation:*" && principal.scopes.contains("runs:read") };',
      'forbid(principal, action, resource) when { principal == resource };',
      'forbid(principal, action, resource) when { context.arguments.amount > 5 };',
    ];
    const requests = [
      call(), call({ arguments: { amount: 5 } }), call({ userId: 'mallory', arguments: {} }), call({ groups: ['finance'], clientId: 'rogue' }),
      call({ scopes: ['memory:write', 'runs:read'], arguments: { secret: 'x', amount: 11 } }), call({ tool: 'memory_put', toolScope: 'memory:write', automation: false, arguments: { key: 'k' } }),
    ];
    // Whole: Cedar given the whole call, and the whole set (no screen).
    const whole = (name: string, text: string) => ({ name, statements: validatePolicyText(name, text).map(({ reads: _reads, json: _json, ...statement }) => statement) });
    const sets = [...texts.map((text, index) => [[`p${index}`, text] as [string, string]]), texts.map((text, index): [string, string] => [`p${index}`, text])];
    for (const policies of sets) {
      const slim = compiled(...policies);
      const full = new CompiledPolicySet(`test-${++slots}`, policies.map(([name, text]) => whole(name, text)), engine);
      for (const request of requests) expect([policies.length, await slim.evaluate(request)]).toEqual([policies.length, await full.evaluate(request)]);
    }
    expect(compiled(...texts.map((text, index): [string, string] => [`p${index}`, text])).screened).toBe(true);
  });

  it('screens a set with its statements merged and decides as the whole set does, matches, errors and approvals alike', async () => {
    const texts = [
      'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments has amount && context.arguments.amount > 500 };',
      'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments.currency == "XBT" };',
      'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments has amount } unless { context.arguments has approved && context.arguments.approved };',
      '@requireApproval("managers")\nforbid(principal, action == Action::"call", resource == Tool::"pay_invoice") when { context.arguments has amount && context.arguments.amount > 100 };',
      'forbid(principal, action == Action::"call", resource == Tool::"memory_put") when { context.arguments has key && context.arguments.key like "secret*" };',
      'forbid(principal, action, resource) when { context.arguments has amount && context.arguments.amount < 0 };',
      'permit(principal, action, resource) when { context.arguments has trace && context.arguments.trace };',
      'forbid(principal == User::"mallory", action, resource);',
    ];
    const policies = texts.map((text, index): [string, string] => [`p${index}`, text]);
    const screened = compiled(...policies);
    expect(screened.screened).toBe(true);
    const unscreened = new CompiledPolicySet(`test-${++slots}`, policies.map(([name, text]) => ({ name, statements: validatePolicyText(name, text).map(({ json: _json, ...statement }) => statement) })), engine);
    expect(unscreened.screened).toBe(false);
    const argumentsOf = [
      {}, { currency: 'EUR' }, { currency: 'XBT' }, { currency: 'EUR', amount: 50, approved: true }, { currency: 'EUR', amount: 50 }, { currency: 'EUR', amount: 150, approved: true },
      { currency: 'EUR', amount: 900, approved: true }, { currency: 'EUR', amount: -1, approved: true }, { currency: 'EUR', amount: 5, approved: 'yes' }, { currency: 'EUR', trace: true },
      { currency: 'EUR', trace: 'on' }, { key: 'secret/1' }, { key: 'public' }, { key: 7 },
    ];
    const requests = argumentsOf.flatMap((args) => [
      call({ arguments: args }), call({ userId: 'mallory', arguments: args }),
      call({ tool: 'memory_put', toolScope: 'memory:write', automation: false, arguments: args }),
    ]);
    const decisions = new Set<string>();
    for (const request of requests) {
      const expected = await unscreened.evaluate(request);
      decisions.add(expected.decision);
      expect([request, await screened.evaluate(request)]).toEqual([request, expected]);
    }
    // The calls above reach every decision, and the screen lets most of them through alone.
    expect([...decisions].sort()).toEqual(['allow', 'approval_required', 'deny', 'error']);
    const single = compiled(['only', texts[0]!]);
    expect(single.screened).toBe(false);
  });

  it('maps whole numbers to Longs and decimals to Cedar decimals', async () => {
    const set = compiled(['decimal_limit', 'forbid(principal, action, resource == Tool::"pay_invoice") when { context.arguments.amount.greaterThan(decimal("500.0")) };']);
    expect((await set.evaluate(call({ arguments: { amount: 500.5 } }))).decision).toBe('deny');
    expect((await set.evaluate(call({ arguments: { amount: 499.99 } }))).decision).toBe('allow');
    // A whole number is a Long: a decimal method on it is a type error, and errors refuse.
    expect((await set.evaluate(call({ arguments: { amount: 700 } }))).decision).toBe('error');
  });

  it('leaves null attributes out (has is false), takes arrays as sets, and numbers Cedar cannot hold as text', async () => {
    const set = compiled(
      ['noted', 'forbid(principal, action, resource) when { context.arguments has note };'],
      ['urgent', 'forbid(principal, action, resource) when { context.arguments has tags && context.arguments.tags.contains("urgent") };'],
      ['huge', 'forbid(principal, action, resource) when { context.arguments has big && context.arguments.big == "1e+21" };'],
    );
    expect((await set.evaluate(call({ arguments: { note: null } }))).decision).toBe('allow');
    expect(await set.evaluate(call({ arguments: { note: 'x' } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['noted'] });
    expect(await set.evaluate(call({ arguments: { tags: [null, 'urgent', 'urgent'] } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['urgent'] });
    expect(await set.evaluate(call({ arguments: { big: 1e21 } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['huge'] });
  });

  it('reads the caller\'s groups, client and scopes', async () => {
    const set = compiled(['finance_only', 'forbid(principal, action, resource == Tool::"pay_invoice") unless { principal.groups.contains("finance") };']);
    expect((await set.evaluate(call({ groups: ['finance'] }))).decision).toBe('allow');
    expect(await set.evaluate(call({ groups: ['sales'] }))).toMatchObject({ decision: 'deny', matchedPolicies: ['finance_only'] });
    const byClient = compiled(['no_cursor', 'forbid(principal, action, resource) when { principal.client == "cursor" && !principal.scopes.contains("runs:admin") };']);
    expect((await byClient.evaluate(call({ clientId: 'cursor' }))).decision).toBe('deny');
    expect((await byClient.evaluate(call({ clientId: 'cursor', scopes: ['runs:admin'] }))).decision).toBe('allow');
  });

  it('asks for an approval by the annotated group; a plain forbid that also matches wins', async () => {
    const approval = ['big_payments', `@requireApproval("managers")\n${PAY_LIMIT}`] as [string, string];
    expect(await compiled(approval).evaluate(call())).toEqual({ decision: 'approval_required', matchedPolicies: ['big_payments'], approvalGroups: ['managers'], erroredPolicies: [] });
    expect((await compiled(approval).evaluate(call({ arguments: { amount: 5 } }))).decision).toBe('allow');
    const both = compiled(approval, ['night', 'forbid(principal, action, resource) when { context.argumentKeys.contains("amount") };']);
    expect(await both.evaluate(call())).toMatchObject({ decision: 'deny', matchedPolicies: ['night'] });
  });

  it('gives error, never allow, when a policy fails to evaluate (a missing argument, a reserved key)', async () => {
    const set = compiled(['pay_limit', PAY_LIMIT]);
    expect(await set.evaluate(call({ arguments: { invoiceId: 'i-1' } }))).toEqual({ decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: ['pay_limit'] });
    expect((await set.evaluate(call({ arguments: { amount: 1, x: { __entity: { type: 'User', id: 'root' } } } }))).decision).toBe('error');
  });

  it('keeps each set\'s own parse when two sets share a slot in turn', async () => {
    const first = new CompiledPolicySet('shared', [{ name: 'a', statements: validatePolicyText('a', PAY_LIMIT) }], engine);
    const second = new CompiledPolicySet('shared', [{ name: 'b', statements: validatePolicyText('b', 'forbid(principal, action, resource);') }], engine);
    expect((await first.evaluate(call({ arguments: { amount: 1 } }))).decision).toBe('allow');
    expect(await second.evaluate(call({ arguments: { amount: 1 } }))).toMatchObject({ decision: 'deny', matchedPolicies: ['b'] });
    expect((await first.evaluate(call({ arguments: { amount: 1 } }))).decision).toBe('allow');
  });
});

describe('Cedar on its own thread', () => {
  it('refuses the calls under way when the thread dies, and evaluates again on a new thread', async () => {
    const thread = new CedarThread();
    const set = new CompiledPolicySet('dying', [{ name: 'pay_limit', statements: validatePolicyText('pay_limit', PAY_LIMIT) }], thread);
    expect(await set.evaluate(call())).toMatchObject({ decision: 'deny' });
    // The thread is killed while a call is under way: that call is an error (fail closed), never an allow.
    const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker;
    // A long evaluation first (Cedar reads a set of 200,000 numbers), so the call behind it is still queued when the thread dies.
    const long = set.evaluate(call({ arguments: { amount: 1, items: Array.from({ length: 200_000 }, (_, index) => index) } }));
    const underWay = set.evaluate(call({ arguments: { amount: 1 } }));
    await worker.terminate();
    expect(await long).toMatchObject({ decision: 'error' });
    expect(await underWay).toEqual({ decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: ['pay_limit'] });
    // The next call starts a new thread, which is sent the set again.
    expect(await set.evaluate(call({ arguments: { amount: 1 } }))).toMatchObject({ decision: 'allow' });
    expect(await set.evaluate(call())).toMatchObject({ decision: 'deny', matchedPolicies: ['pay_limit'] });
    await thread.close();
    expect(await set.evaluate(call({ arguments: { amount: 1 } }))).toMatchObject({ decision: 'error' });
  });

  it('gives error for a set Cedar cannot parse, and keeps the slot\'s other generations apart', async () => {
    const thread = new CedarThread();
    const broken = new CompiledPolicySet('slot', [{ name: 'bad', statements: [{ text: 'forbid(principal, action, resource) when { nonsense(', effect: 'forbid' }] }], thread);
    expect(await broken.evaluate(call())).toEqual({ decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: ['bad'] });
    const good = new CompiledPolicySet('slot', [{ name: 'pay_limit', statements: validatePolicyText('pay_limit', PAY_LIMIT) }], thread);
    expect(await good.evaluate(call())).toMatchObject({ decision: 'deny', matchedPolicies: ['pay_limit'] });
    expect(await broken.evaluate(call())).toMatchObject({ decision: 'error', erroredPolicies: ['bad'] });
    await thread.close();
  });
});
