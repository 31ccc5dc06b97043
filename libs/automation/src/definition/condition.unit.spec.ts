import { describe, expect, it } from '@jest/globals';
import type { Condition } from './automation-step.schema.js';
import { evaluateCondition, jsonEquals } from './condition.js';
import type { TemplateContext } from './template-reference.js';

const context: TemplateContext = {
  input: { amount: 10, currency: 'EUR', payAt: '2026-03-01T09:00:00Z', note: null, tags: ['a', 'b'] },
  steps: { create: { output: { status: 201, body: { status: 'paid', meta: { a: 1, b: [1, 2] } } } } },
  run: { id: 'run_1', startedBy: 'user_1' },
};

const holds = (condition: Condition): boolean => evaluateCondition(condition, context);

describe('evaluateCondition', () => {
  it('eq and ne compare JSON deeply, ignoring key order', () => {
    expect(holds({ path: 'steps.create.output.body.status', op: 'eq', value: 'paid' })).toBe(true);
    expect(holds({ path: 'steps.create.output.body.status', op: 'eq', value: 'open' })).toBe(false);
    expect(holds({ path: 'steps.create.output.body.meta', op: 'eq', value: { b: [1, 2], a: 1 } })).toBe(true);
    expect(holds({ path: 'steps.create.output.body.meta', op: 'eq', value: { a: 1, b: [2, 1] } })).toBe(false);
    expect(holds({ path: 'input.amount', op: 'eq', value: '10' })).toBe(false);
    expect(holds({ path: 'input.note', op: 'eq', value: null })).toBe(true);
    expect(holds({ path: 'input.currency', op: 'ne', value: 'USD' })).toBe(true);
    expect(holds({ path: 'input.currency', op: 'ne', value: 'EUR' })).toBe(false);
  });

  it('orders numbers', () => {
    expect(holds({ path: 'input.amount', op: 'gt', value: 9 })).toBe(true);
    expect(holds({ path: 'input.amount', op: 'gt', value: 10 })).toBe(false);
    expect(holds({ path: 'input.amount', op: 'gte', value: 10 })).toBe(true);
    expect(holds({ path: 'input.amount', op: 'lt', value: 10 })).toBe(false);
    expect(holds({ path: 'input.amount', op: 'lte', value: 10 })).toBe(true);
    expect(holds({ path: 'steps.create.output.status', op: 'lt', value: 300 })).toBe(true);
  });

  it('orders two strings, such as ISO instants, as strings', () => {
    expect(holds({ path: 'input.payAt', op: 'gt', value: '2026-02-28T23:59:59Z' })).toBe(true);
    expect(holds({ path: 'input.payAt', op: 'lte', value: '2026-03-01T09:00:00Z' })).toBe(true);
    expect(holds({ path: 'input.payAt', op: 'lt', value: '2026-03-01T08:00:00Z' })).toBe(false);
  });

  it('is false when an ordering compares different types', () => {
    expect(holds({ path: 'input.amount', op: 'gt', value: '9' })).toBe(false);
    expect(holds({ path: 'input.amount', op: 'lte', value: '99' })).toBe(false);
    expect(holds({ path: 'input.note', op: 'gte', value: 0 })).toBe(false);
  });

  it('exists and not_exists test whether the path resolves, null counting as a value', () => {
    expect(holds({ path: 'input.note', op: 'exists' })).toBe(true);
    expect(holds({ path: 'input.tags.1', op: 'exists' })).toBe(true);
    expect(holds({ path: 'input.tags.2', op: 'exists' })).toBe(false);
    expect(holds({ path: 'steps.later.output', op: 'not_exists' })).toBe(true);
    expect(holds({ path: 'input.amount', op: 'not_exists' })).toBe(false);
    expect(holds({ path: 'input.__proto__', op: 'exists' })).toBe(false);
    expect(holds({ path: 'input.constructor', op: 'exists' })).toBe(false);
  });

  it('evaluates every comparison, ne included, to false when the path does not resolve', () => {
    for (const op of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const) {
      expect(holds({ path: 'input.missing', op, value: 1 })).toBe(false);
    }
  });
});

describe('jsonEquals', () => {
  it('tells arrays from objects and null from objects', () => {
    expect(jsonEquals([], {})).toBe(false);
    expect(jsonEquals({ 0: 'a' }, ['a'])).toBe(false);
    expect(jsonEquals(null, {})).toBe(false);
    expect(jsonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
