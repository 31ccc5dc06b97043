import { describe, expect, it } from '@jest/globals';
import { requestDiff } from './request-diff.js';

const base = { method: 'POST', url: 'https://billing.example/pay?ref=inv-1', headers: { authorization: 'Bearer [secret]', 'content-type': 'application/json' }, body: { amount: 42, lines: [{ sku: 'a' }], customer: { 'jane@example.com': 'vip' } } };
/** amount and lines are spelled out by the template; customer is a whole value from the input, its keys the run's data. */
const template = { amount: '{{input.amount}}', lines: [{ sku: '{{input.sku}}' }], customer: '{{input.customer}}' };
const same = { live: template, shadow: template };

describe('requestDiff', () => {
  it('finds nothing in identical requests, whatever the order of keys', () => {
    expect(requestDiff(base, structuredClone(base), same)).toEqual([]);
    expect(requestDiff(base, { ...base, body: { customer: base.body.customer, lines: base.body.lines, amount: 42 } }, same)).toEqual([]);
  });

  it('names each differing field by path, never its value', () => {
    const changed = { ...base, method: 'PUT', url: 'https://billing.example/pay?ref=inv-2', headers: { ...base.headers, 'x-trace': 'secret-ish' }, body: { ...base.body, amount: 43, lines: [{ sku: 'b' }], extra: true } };
    const paths = requestDiff(base, changed, { live: template, shadow: { ...template, extra: true } });
    expect(paths).toEqual(['body.amount', 'body.extra', 'body.lines[].sku', 'headers.x-trace', 'method', 'url']);
    expect(paths.join()).not.toMatch(/inv-2|43|secret-ish/);
  });

  it("stops at a placeholder that put a whole value in: the input's own keys are never a path", () => {
    const paths = requestDiff(base, { ...base, body: { ...base.body, customer: { 'john@example.com': 'vip' } } }, same);
    expect(paths).toEqual(['body.customer']);
    // A shadow that spells out what the live one took whole differs there too, and no deeper.
    expect(requestDiff(base, base, { live: template, shadow: { ...template, customer: { 'jane@example.com': 'vip' } } })).toEqual([]);
    expect(requestDiff(base, { ...base, body: { ...base.body, customer: { 'jane@example.com': 'gold' } } }, { live: template, shadow: { ...template, customer: { 'jane@example.com': '{{input.level}}' } } })).toEqual(['body.customer']);
  });

  it('reports an array whose length changed, and a body whose type changed, at their own path', () => {
    expect(requestDiff(base, { ...base, body: { ...base.body, lines: [] } }, same)).toEqual(['body.lines']);
    expect(requestDiff(base, { ...base, body: 'text' }, same)).toEqual(['body']);
    expect(requestDiff({ ...base, body: null }, { ...base, body: null }, { live: undefined, shadow: undefined })).toEqual([]);
  });
});
