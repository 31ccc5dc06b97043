import { describe, expect, it } from '@jest/globals';
import { NextFlight, SameReadInFlight } from './shared-reads.js';

/** A query the test answers by hand, counting how often it was asked. */
function manualQuery<T>() {
  const pending: Array<{ resolve: (value: T) => void; reject: (error: Error) => void }> = [];
  return {
    pending,
    query: () => new Promise<T>((resolve, reject) => void pending.push({ resolve, reject })),
  };
}

describe('NextFlight', () => {
  it('never answers a caller with a query begun before its call: callers meanwhile share the next one', async () => {
    const { pending, query } = manualQuery<number>();
    const head = new NextFlight(query);
    const first = head.read();
    expect(pending).toHaveLength(1);
    // Arrive while the first query runs (it may have begun before their append): they wait for the next.
    const second = head.read();
    const third = head.read();
    expect(second).toBe(third);
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(1);
    expect(await first).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(2);
    expect([await second, await third]).toEqual([2, 2]);
  });

  it('starts a new query for a caller after the last one ended, and after a failure', async () => {
    const { pending, query } = manualQuery<number>();
    const head = new NextFlight(query);
    const first = head.read();
    pending[0]!.reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    const again = head.read();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(7);
    expect(await again).toBe(7);
    const later = head.read();
    expect(pending).toHaveLength(3);
    pending[2]!.resolve(8);
    expect(await later).toBe(8);
  });

  it('gives the callers queued behind a failed query one of their own', async () => {
    const { pending, query } = manualQuery<number>();
    const head = new NextFlight(query);
    const first = head.read();
    const queued = head.read();
    pending[0]!.reject(new Error('timeout'));
    await expect(first).rejects.toThrow('timeout');
    await Promise.resolve();
    await Promise.resolve();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(3);
    expect(await queued).toBe(3);
  });
});

describe('SameReadInFlight', () => {
  it('shares an identical read in flight, not a different one, and keeps nothing once it settled', async () => {
    const reads = new SameReadInFlight<string[]>();
    const { pending, query } = manualQuery<string[]>();
    const a = reads.read('0:10', query);
    const b = reads.read('0:10', query);
    const c = reads.read('5:10', query);
    expect(a).toBe(b);
    expect(pending).toHaveLength(2);
    pending[0]!.resolve(['e1']);
    pending[1]!.resolve(['e6']);
    expect([await a, await c]).toEqual([['e1'], ['e6']]);
    const d = reads.read('0:10', query);
    expect(pending).toHaveLength(3);
    pending[2]!.reject(new Error('gone'));
    await expect(d).rejects.toThrow('gone');
    void reads.read('0:10', query);
    expect(pending).toHaveLength(4);
  });
});
