import { describe, expect, it } from '@jest/globals';
import { InFlight } from './in-flight.js';
import { manualJobs } from './testing/manual-jobs.js';

describe('InFlight', () => {
  it("shares the job of a key in flight, not another key's, and keeps nothing once it settled", async () => {
    const reads = new InFlight<string[]>();
    const { pending, job: query } = manualJobs<string[]>();
    const a = reads.run('0:10', query);
    const b = reads.run('0:10', query);
    const c = reads.run('5:10', query);
    expect(a).toBe(b);
    expect(pending).toHaveLength(2);
    pending[0]!.resolve(['e1']);
    pending[1]!.resolve(['e6']);
    expect([await a, await c]).toEqual([['e1'], ['e6']]);
    const d = reads.run('0:10', query);
    expect(pending).toHaveLength(3);
    pending[2]!.reject(new Error('gone'));
    await expect(d).rejects.toThrow('gone');
    void reads.run('0:10', query);
    expect(pending).toHaveLength(4);
  });
});
