import { describe, expect, it } from '@jest/globals';
import { jsonDepthExceeds } from './json.js';

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('jsonDepthExceeds', () => {
  it('counts object and array levels, scalars being depth 0', () => {
    expect(jsonDepthExceeds('x', 0)).toBe(false);
    expect(jsonDepthExceeds(null, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds(nested(10), 10)).toBe(false);
    expect(jsonDepthExceeds(nested(11), 10)).toBe(true);
    expect(jsonDepthExceeds({ shallow: 1, wide: Array.from({ length: 1000 }, () => ({ x: 1 })), deep: nested(9) }, 10)).toBe(false);
    expect(jsonDepthExceeds({ shallow: 1, deep: nested(10) }, 10)).toBe(true);
  });

  it('checks values far deeper than the stack allows recursion, without overflowing', () => {
    expect(jsonDepthExceeds(nested(200_000), 100)).toBe(true);
    expect(jsonDepthExceeds(JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)), 100)).toBe(true);
  });
});
