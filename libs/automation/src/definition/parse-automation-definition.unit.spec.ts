import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import type { DefinitionIssue } from './definition-issues.js';
import { parseAutomationDefinition, type ParseAutomationDefinitionOptions } from './parse-automation-definition.js';

type Json = Record<string, unknown>;

function payInvoice(): Json {
  return {
    name: 'pay_invoice',
    title: 'Pay an invoice',
    description: 'Pays a supplier invoice after a human approves it.',
    inputSchema: {
      type: 'object',
      properties: { invoiceId: { type: 'string' }, amount: { type: 'number' }, payAt: { type: 'string', format: 'date-time' } },
      required: ['invoiceId', 'amount'],
    },
    steps: [
      {
        id: 'create', type: 'call', connector: 'billing',
        request: {
          method: 'POST', path: '/invoices/{{input.invoiceId}}/pay', query: { k: '{{ input.amount }}' }, headers: { 'X-Note': 'run {{run.id}} by {{run.startedBy}}' },
          body: { amount: '{{input.amount}}', ref: 'inv-{{input.invoiceId}}' },
        },
        compensate: { connector: 'billing', request: { method: 'POST', path: '/invoices/{{input.invoiceId}}/refund', body: { payment: '{{steps.create.output.body.id}}' } } },
      },
      { id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}} for {{input.invoiceId}}?', timeoutSeconds: 3600 },
      { id: 'pause', type: 'wait', seconds: 30 },
      { id: 'until_due', type: 'wait', until: '{{input.payAt}}' },
      { id: 'check', type: 'condition', when: { path: 'steps.create.output.body.status', op: 'eq', value: 'paid' }, otherwise: 'notify' },
      { id: 'notify', type: 'call', connector: 'mail', request: { method: 'POST', path: '/send', body: { invoice: '{{steps.create.output.body}}' } }, retry: { maxAttempts: 2 } },
    ],
  };
}

function withStep(index: number, step: Json): Json {
  const definition = payInvoice();
  (definition['steps'] as unknown[])[index] = step;
  return definition;
}

function issuesOf(input: unknown, options?: ParseAutomationDefinitionOptions): DefinitionIssue[] {
  try {
    parseAutomationDefinition(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const refusal = error as ValidationError;
    expect(refusal.code).toBe('automation.invalid');
    return refusal.details['issues'] as DefinitionIssue[];
  }
  throw new Error('the definition was accepted');
}

function issueAt(input: unknown, path: string, options?: ParseAutomationDefinitionOptions): string {
  const issues = issuesOf(input, options);
  const found = issues.find((issue) => issue.path === path);
  if (!found) throw new Error(`no issue at ${path}; issues: ${JSON.stringify(issues)}`);
  return found.message;
}

describe('parseAutomationDefinition', () => {
  it('accepts a full definition and applies the run timeout and retry defaults', () => {
    const definition = parseAutomationDefinition(payInvoice(), { knownConnectors: new Set(['billing', 'mail']) });
    expect(definition.timeoutSeconds).toBe(86_400);
    const [create, , pause, , , notify] = definition.steps;
    expect(create).toMatchObject({ type: 'call', retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 30_000, deadlineSeconds: 600 } });
    expect(notify).toMatchObject({ retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 30_000, deadlineSeconds: 600 } });
    expect(pause).toEqual({ id: 'pause', type: 'wait', seconds: 30 });
  });

  it('takes a dryRunResponse on a call step (status 200 by default) and refuses unknown keys in it', () => {
    const declared = { id: 'notify', type: 'call', connector: 'mail', request: { method: 'POST', path: '/send' }, dryRunResponse: { headers: { 'X-Id': '1' }, body: { id: 'm-1' } } };
    const step = parseAutomationDefinition(withStep(5, declared)).steps[5];
    expect(step).toMatchObject({ dryRunResponse: { status: 200, headers: { 'X-Id': '1' }, body: { id: 'm-1' } } });
    expect(issueAt(withStep(5, { ...declared, dryRunResponse: { status: 99 } }), 'steps.5.dryRunResponse.status')).toBeTruthy();
    expect(issuesOf(withStep(5, { ...declared, dryRunResponse: { latency: 5 } })).some((issue) => issue.path.startsWith('steps.5.dryRunResponse'))).toBe(true);
  });

  it('refuses an input schema that declares dryRun: the tool takes it for dry runs', () => {
    const definition = payInvoice();
    (definition['inputSchema'] as { properties: Json }).properties['dryRun'] = { type: 'boolean' };
    expect(issueAt(definition, 'inputSchema.properties.dryRun')).toMatch(/reserved/);
  });

  it('keeps an explicit run timeout', () => {
    expect(parseAutomationDefinition({ ...payInvoice(), timeoutSeconds: 60 }).timeoutSeconds).toBe(60);
  });

  it('refuses a badly formed name and a name with a reserved prefix', () => {
    expect(issueAt({ ...payInvoice(), name: 'Pay-Invoice' }, 'name')).toMatch(/3-48 characters of a-z/);
    expect(issueAt({ ...payInvoice(), name: 'memory_sweep' }, 'name')).toMatch(/prefix memory_ is reserved/);
    expect(issueAt({ ...payInvoice(), name: 'automation_x' }, 'name')).toMatch(/automation_/);
  });

  it('names a missing field as required', () => {
    const { title: _title, ...untitled } = payInvoice();
    expect(issueAt(untitled, 'title')).toMatch(/required/);
  });

  it('refuses unknown keys at the path of the key', () => {
    expect(issueAt({ ...payInvoice(), owner: 'me' }, 'owner')).toMatch(/unknown key/);
    expect(issueAt(withStep(2, { id: 'pause', type: 'wait', seconds: 30, note: 'x' }), 'steps.2.note')).toMatch(/unknown key/);
  });

  it('refuses compensate on a step that is not a call', () => {
    const step = { id: 'approve', type: 'approval', prompt: 'ok?', compensate: { connector: 'billing', request: { method: 'POST', path: '/x' } } };
    expect(issueAt(withStep(1, step), 'steps.1.compensate')).toBe('compensate is only allowed on call steps');
  });

  describe('approvers, reminders and escalation', () => {
    const notified = { id: 'approve', type: 'approval', prompt: 'ok?', timeoutSeconds: 600, approvers: { group: 'finance' }, reminders: { everySeconds: 60 }, escalation: { afterSeconds: 300, group: 'cfo-office' }, notify: { connector: 'mail', path: '/hooks/approvals' } };

    it('accepts them and keeps them in the parsed step', () => {
      const step = parseAutomationDefinition(withStep(1, notified), { knownConnectors: new Set(['billing', 'mail']) }).steps[1];
      expect(step).toEqual(notified);
    });

    it('wants a connector to send reminders and escalations to', () => {
      const { notify: _notify, ...silent } = notified;
      expect(issueAt(withStep(1, silent), 'steps.1.notify')).toMatch(/required when reminders or escalation are declared/);
      expect(issueAt(withStep(1, { ...silent, reminders: undefined }), 'steps.1.notify')).toMatch(/required/);
      expect(issueAt(withStep(1, notified), 'steps.1.notify.connector', { knownConnectors: new Set(['billing']) })).toBe('unknown connector mail (known: billing)');
    });

    it('wants reminders and escalation before the deadline', () => {
      expect(issueAt(withStep(1, { ...notified, reminders: { everySeconds: 600 } }), 'steps.1.reminders.everySeconds')).toMatch(/not before timeoutSeconds \(600\)/);
      expect(issueAt(withStep(1, { ...notified, escalation: { afterSeconds: 900, group: 'cfo' } }), 'steps.1.escalation.afterSeconds')).toMatch(/expire before it escalates/);
      const { timeoutSeconds: _timeout, ...open } = notified;
      expect(() => parseAutomationDefinition(withStep(1, { ...open, reminders: { everySeconds: 86_400 } }))).not.toThrow();
    });

    it('refuses malformed groups, paths and periods at their paths', () => {
      expect(issueAt(withStep(1, { ...notified, approvers: { group: ' spaced out' } }), 'steps.1.approvers.group')).toMatch(/group names are/);
      expect(issueAt(withStep(1, { ...notified, escalation: { afterSeconds: 60 } }), 'steps.1.escalation.group')).toMatch(/required/);
      expect(issueAt(withStep(1, { ...notified, notify: { connector: 'mail', path: '/a/{{input.amount}}' } }), 'steps.1.notify.path')).toMatch(/URL path characters/);
      expect(issueAt(withStep(1, { ...notified, notify: { connector: 'mail', path: '/a/../b' } }), 'steps.1.notify.path')).toMatch(/"\.\."/);
      expect(issueAt(withStep(1, { ...notified, reminders: { everySeconds: 0 } }), 'steps.1.reminders.everySeconds')).toBeTruthy();
      expect(issueAt(withStep(1, { ...notified, reminders: { every: 5 } }), 'steps.1.reminders.every')).toMatch(/unknown key/);
    });
  });

  it('refuses an unknown step type', () => {
    expect(issueAt(withStep(2, { id: 'pause', type: 'sleep', seconds: 3 }), 'steps.2.type')).toMatch(/call, approval, wait, condition/);
  });

  it('refuses a wait step with both or neither of seconds and until', () => {
    expect(issueAt(withStep(2, { id: 'pause', type: 'wait', seconds: 3, until: '2026-01-01T00:00:00Z' }), 'steps.2')).toMatch(/exactly one of seconds or until/);
    expect(issueAt(withStep(2, { id: 'pause', type: 'wait' }), 'steps.2')).toMatch(/exactly one of seconds or until/);
  });

  it('refuses a literal until that is not an instant', () => {
    expect(issueAt(withStep(2, { id: 'pause', type: 'wait', until: 'tomorrow' }), 'steps.2.until')).toMatch(/ISO-8601/);
  });

  it('refuses duplicate step ids, naming the first use', () => {
    expect(issueAt(withStep(2, { id: 'approve', type: 'wait', seconds: 1 }), 'steps.2.id')).toMatch(/duplicate step id "approve" \(already used by steps.1\)/);
  });

  it('refuses a condition that jumps backwards or to itself, or to a step that does not exist', () => {
    const backwards = withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'gt', value: 0 }, otherwise: 'approve' });
    expect(issueAt(backwards, 'steps.4.otherwise')).toMatch(/"approve" is not after this step \(it is steps.1\)/);
    const itself = withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'gt', value: 0 }, otherwise: 'check' });
    expect(issueAt(itself, 'steps.4.otherwise')).toMatch(/not after this step/);
    const nowhere = withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'gt', value: 0 }, otherwise: 'ghost' });
    expect(issueAt(nowhere, 'steps.4.otherwise')).toMatch(/no step has the id "ghost"/);
  });

  it('requires a value for comparisons and refuses one for exists', () => {
    expect(issueAt(withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'gt' }, otherwise: 'fail' }), 'steps.4.when.value')).toMatch(/required/);
    expect(issueAt(withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'exists', value: 1 }, otherwise: 'fail' }), 'steps.4.when.value')).toMatch(/unknown key/);
    expect(issueAt(withStep(4, { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'like', value: 1 }, otherwise: 'fail' }), 'steps.4.when.op')).toMatch(/eq, ne, gt/);
  });

  describe('template references', () => {
    const approval = (prompt: string): Json => withStep(1, { id: 'approve', type: 'approval', prompt });

    it('refuses an unknown root such as {{secret}} or process.env', () => {
      expect(issueAt(approval('key {{secret}}'), 'steps.1.prompt')).toMatch(/\{\{secret\}\}: unknown reference root "secret"; use input/);
      expect(issueAt(approval('{{ process.env.TOKEN }}'), 'steps.1.prompt')).toMatch(/unknown reference root "process"/);
    });

    it('refuses prototype segments', () => {
      expect(issueAt(approval('{{input.__proto__}}'), 'steps.1.prompt')).toMatch(/"__proto__" is not allowed/);
      expect(issueAt(approval('{{constructor}}'), 'steps.1.prompt')).toMatch(/"constructor" is not allowed/);
    });

    it('refuses expressions', () => {
      expect(issueAt(approval('{{ input.amount * 2 }}'), 'steps.1.prompt')).toMatch(/expressions, filters and calls are not supported/);
    });

    it('refuses input properties the schema does not declare, listing the declared ones', () => {
      expect(issueAt(approval('{{input.customer}}'), 'steps.1.prompt')).toMatch(/input.customer is not declared in inputSchema.properties \(declared: invoiceId, amount, payAt\)/);
    });

    it('accepts any input property when the schema lists none', () => {
      const definition: Json = { ...approval('{{input.anything.deep}}'), inputSchema: { type: 'object' } };
      const check = { id: 'check', type: 'condition', when: { path: 'input.x', op: 'exists' }, otherwise: 'complete' };
      (definition['steps'] as unknown[]).splice(0, 6, (definition['steps'] as unknown[])[1], check);
      expect(parseAutomationDefinition(definition).steps).toHaveLength(2);
    });

    it('refuses outputs of later steps, of the step itself, and of steps that are not calls', () => {
      expect(issueAt(approval('{{steps.notify.output.status}}'), 'steps.1.prompt')).toMatch(/step "notify" has not run yet/);
      const selfRef = withStep(5, { id: 'notify', type: 'call', connector: 'mail', request: { method: 'POST', path: '/send', body: { x: '{{steps.notify.output}}' } } });
      expect(issueAt(selfRef, 'steps.5.request.body.x')).toMatch(/has not run yet/);
      expect(issueAt(withStep(2, { id: 'pause', type: 'wait', until: '{{steps.approve.output.at}}' }), 'steps.2.until')).toMatch(/step "approve" \(type approval\) has no output; only call steps have an output/);
      expect(issueAt(approval('{{steps.create.body}}'), 'steps.1.prompt')).toMatch(/steps.<id>.output/);
    });

    it('lets a compensation read the output of the step it undoes', () => {
      expect(() => parseAutomationDefinition(payInvoice())).not.toThrow();
    });

    it('checks run references and request paths, query and headers', () => {
      expect(issueAt(approval('{{run.tenant}}'), 'steps.1.prompt')).toMatch(/run.id and run.startedBy/);
      const call = { id: 'create', type: 'call', connector: 'billing', request: { method: 'GET', path: '/a/{{nope.x}}', query: { q: '{{input.zzz}}' }, headers: { 'X-A': '{{secret}}' } } };
      const issues = issuesOf(withStep(0, call)).map((issue) => issue.path);
      expect(issues).toEqual(expect.arrayContaining(['steps.0.request.path', 'steps.0.request.query.q', 'steps.0.request.headers.X-A']));
    });

    it('applies the same rules to a condition path, which is written without braces', () => {
      const check = (path: string): Json => withStep(4, { id: 'check', type: 'condition', when: { path, op: 'exists' }, otherwise: 'complete' });
      expect(issueAt(check('steps.notify.output.status'), 'steps.4.when.path')).toMatch(/has not run yet/);
      expect(issueAt(check('secret.key'), 'steps.4.when.path')).toMatch(/unknown reference root/);
      expect(issueAt(check('{{input.amount}}'), 'steps.4.when.path')).toMatch(/without \{\{ \}\}/);
    });
  });

  describe('input schema', () => {
    it('refuses a schema ajv cannot compile, at the offending location', () => {
      const definition: Json = { ...payInvoice(), inputSchema: { type: 'object', properties: { a: { type: 'strin' } } } };
      (definition['steps'] as unknown[]).splice(1);
      expect(issueAt(definition, 'inputSchema.properties.a.type')).toMatch(/invalid JSON Schema: must be equal to one of the allowed values: array, boolean/);
    });

    it('refuses unknown keywords (strict mode) and a non-object schema', () => {
      const strict = { ...payInvoice(), inputSchema: { type: 'object', properties: { invoiceId: { type: 'string', minLenght: 1 } } } };
      expect(issueAt(strict, 'inputSchema')).toMatch(/strict mode: unknown keyword: "minLenght"/);
      expect(issueAt({ ...payInvoice(), inputSchema: { type: 'array' } }, 'inputSchema.type')).toMatch(/must be "object"/);
      expect(issueAt({ ...payInvoice(), inputSchema: ['object'] }, 'inputSchema')).toMatch(/JSON Schema object/);
    });

    it('refuses a remote $ref instead of fetching it', () => {
      const remote = { ...payInvoice(), inputSchema: { type: 'object', properties: { invoiceId: { $ref: 'https://example.com/schema.json' }, amount: {}, payAt: {} } } };
      expect(issueAt(remote, 'inputSchema')).toMatch(/does not compile/);
    });

    it('refuses a schema above 32 KiB', () => {
      const properties = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(80) }]));
      const big = { ...payInvoice(), inputSchema: { type: 'object', properties: { ...properties, invoiceId: {}, amount: {}, payAt: {} } } };
      expect(issueAt(big, 'inputSchema')).toMatch(/bytes as JSON; the limit is 32768/);
    });
  });

  it('refuses connectors the tenant does not have, when told which it has', () => {
    expect(issueAt(payInvoice(), 'steps.5.connector', { knownConnectors: new Set(['billing']) })).toBe('unknown connector mail (known: billing)');
    expect(issueAt(payInvoice(), 'steps.0.compensate.connector', { knownConnectors: new Set(['mail']) })).toMatch(/unknown connector billing/);
  });

  it('refuses a definition above 64 KiB as a whole, before anything else', () => {
    const issues = issuesOf({ ...payInvoice(), name: 'BAD', description: 'x'.repeat(70_000) });
    expect(issues).toEqual([{ path: '', message: expect.stringMatching(/the limit is 65536/) }]);
  });

  it('refuses request paths that leave the connector or hide a query', () => {
    const call = (path: string): Json => withStep(5, { id: 'notify', type: 'call', connector: 'mail', request: { method: 'POST', path } });
    expect(issueAt(call('https://evil.example/x'), 'steps.5.request.path')).toMatch(/single "\/"/);
    expect(issueAt(call('//evil.example/x'), 'steps.5.request.path')).toMatch(/single "\/"/);
    expect(issueAt(call('/send?to=x'), 'steps.5.request.path')).toMatch(/request.query/);
    expect(issueAt(call('/a/../admin'), 'steps.5.request.path')).toMatch(/"\.\." segments/);
  });

  it('refuses headers the connector owns and header values with line breaks', () => {
    const call = (headers: Json): Json => withStep(5, { id: 'notify', type: 'call', connector: 'mail', request: { method: 'POST', path: '/send', headers } });
    expect(issueAt(call({ Authorization: 'Bearer x' }), 'steps.5.request.headers.Authorization')).toMatch(/set by the connector/);
    expect(issueAt(call({ 'X-A': 'a\r\nX-B: b' }), 'steps.5.request.headers.X-A')).toMatch(/CR, LF/);
  });

  it('lists every issue at once, shape and cross-step alike, in the message as well', () => {
    const definition = payInvoice();
    definition['name'] = 'tenant_pay';
    const steps = definition['steps'] as Json[];
    steps[1] = { id: 'create', type: 'approval', prompt: '{{secret}}' };
    steps[2] = { id: 'pause', type: 'wait', seconds: 0 };
    steps[4] = { id: 'check', type: 'condition', when: { path: 'input.amount', op: 'exists' }, otherwise: 'create' };
    const issues = issuesOf(definition);
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['name', 'steps.1.id', 'steps.1.prompt', 'steps.2.seconds', 'steps.4.otherwise']));
    try {
      parseAutomationDefinition(definition);
    } catch (error) {
      const message = (error as ValidationError).message;
      expect(message).toMatch(/invalid \(\d+ issues\)/);
      for (const issue of issues) expect(message).toContain(`- ${issue.path}: ${issue.message}`);
    }
  });

  it('still checks the references and jumps of a step whose shape is wrong elsewhere', () => {
    const broken = withStep(4, { id: 'check', type: 'condition', when: { path: 'secret.key', op: 'gt' }, otherwise: 'create' });
    expect(issuesOf(broken)).toEqual(expect.arrayContaining([
      { path: 'steps.4.when.value', message: expect.stringMatching(/required/) },
      { path: 'steps.4.when.path', message: expect.stringMatching(/unknown reference root "secret"/) },
      { path: 'steps.4.otherwise', message: expect.stringMatching(/not after this step/) },
    ]));
  });

  it('says a step must be an object when it is not', () => {
    expect(issueAt(withStep(2, 7 as unknown as Json), 'steps.2')).toMatch(/expected object/);
  });

  it('refuses something that is not an object at all', () => {
    expect(issueAt('pay', '')).toMatch(/expected object/);
  });
});
