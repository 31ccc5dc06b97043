import { describe, expect, it } from '@jest/globals';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('computes each key once, and starts again once it holds its limit', () => {
    const computed: string[] = [];
    const memo = new BoundedMemo(2, (key: string) => {
      computed.push(key);
      return key.toUpperCase();
    });
    expect([memo.get('a'), memo.get('b'), memo.get('a')]).toEqual(['A', 'B', 'A']);
    expect(computed).toEqual(['a', 'b']);
    // A third key empties it: 'a' is computed again afterwards.
    expect([memo.get('c'), memo.get('a')]).toEqual(['C', 'A']);
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('remembers nothing of a computation that throws', () => {
    let calls = 0;
    const memo = new BoundedMemo(4, (key: string) => {
      calls += 1;
      if (key === 'bad') throw new Error('bad key');
      return key.length;
    });
    expect(() => memo.get('bad')).toThrow('bad key');
    expect(() => memo.get('bad')).toThrow('bad key');
    expect(calls).toBe(2);
  });
});
