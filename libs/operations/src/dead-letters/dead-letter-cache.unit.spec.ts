import { describe, expect, it } from '@jest/globals';
import type { RunRetryMessage } from '#bus';
import { DeadLetterCache } from './dead-letter-cache.js';

const letter = (runId: string): RunRetryMessage => ({ tenantId: 'acme', runId, error: 'boom', failures: 3, at: '2026-01-01T00:00:00.000Z', notBefore: 0 });

describe('DeadLetterCache', () => {
  it('reads the topics again only when their ends moved, sharing a read between callers', async () => {
    const reads: string[] = [];
    let answer = [letter('run-1')];
    const cache = new DeadLetterCache(async () => {
      reads.push('read');
      return answer;
    });
    const [first, second] = await Promise.all([cache.entries('0:1|-'), cache.entries('0:1|-')]);
    expect(first).toEqual([letter('run-1')]);
    expect(second).toBe(first);
    expect(await cache.entries('0:1|-')).toBe(first);
    expect(reads).toHaveLength(1);
    answer = [];
    expect(await cache.entries('0:1|0:1')).toEqual([]);
    expect(reads).toHaveLength(2);
  });

  it('keeps no failed read: the next call reads again', async () => {
    let fail = true;
    const cache = new DeadLetterCache(async () => {
      if (fail) throw new Error('broker away');
      return [letter('run-2')];
    });
    await expect(cache.entries('0:1')).rejects.toThrow('broker away');
    fail = false;
    expect(await cache.entries('0:1')).toEqual([letter('run-2')]);
  });
});
