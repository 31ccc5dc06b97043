import { describe, expect, it } from '@jest/globals';
import { requestDiff } from './request-diff.js';

const base = { method: 'POST', url: 'https://billing.example/pay?ref=inv-1', headers: { authorization: 'Bearer [secret]', 'content-type': 'application/json' }, body: { amount: 42, lines: [{ sku: 'a' }], meta: { note: 'x' } } };

describe('requestDiff', () => {
  it('finds nothing in identical requests', () => {
    expect(requestDiff(base, structuredClone(base))).toEqual([]);
  });

  it('names each differing field by path, never its value', () => {
    const changed = { ...base, method: 'PUT', url: 'https://billing.example/pay?ref=inv-2', headers: { ...base.headers, 'x-trace': 'secret-ish' }, body: { amount: 43, lines: [{ sku: 'b' }], meta: { note: 'x' }, extra: true } };
    const paths = requestDiff(base, changed);
    expect(paths).toEqual(['body.amount', 'body.extra', 'body.lines[].sku', 'headers.x-trace', 'method', 'url']);
    expect(paths.join()).not.toMatch(/inv-2|43|secret-ish/);
  });

  it('reports an array whose length changed once, and a body whose type changed at its root', () => {
    expect(requestDiff(base, { ...base, body: { ...base.body, lines: [] } })).toEqual(['body.lines[]']);
    expect(requestDiff(base, { ...base, body: 'text' })).toEqual(['body']);
    expect(requestDiff({ ...base, body: null }, { ...base, body: null })).toEqual([]);
  });
});
