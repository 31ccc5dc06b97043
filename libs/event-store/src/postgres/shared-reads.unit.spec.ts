import { describe, expect, it } from '@jest/globals';
import { LogTail, NextFlight } from './shared-reads.js';
import { manualJobs } from '../../../core/src/testing/manual-jobs.js';

describe('NextFlight', () => {
  it('never answers a caller with a query begun before its call: callers meanwhile share the next one', async () => {
    const { pending, job: query } = manualJobs<number>();
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
    const { pending, job: query } = manualJobs<number>();
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
    const { pending, job: query } = manualJobs<number>();
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

describe('LogTail', () => {
  const rowsAt = (...positions: number[]) => positions.map((position) => ({ global_position: String(position) }));
  const positionsOf = (page: { rows: Array<{ global_position: string }>; through: number } | undefined) => page && { rows: page.rows.map((row) => Number(row.global_position)), through: page.through };

  it('answers a follower from the rows another read, as far as they go, and nothing it does not hold', () => {
    const tail = new LogTail(100, 5000, () => 0);
    // Positions have gaps (a rolled-back append leaves one): the range read says what is known.
    tail.add(10, 20, rowsAt(11, 12, 15, 20));
    expect(positionsOf(tail.read(10, 30, 500))).toEqual({ rows: [11, 12, 15, 20], through: 20 });
    expect(positionsOf(tail.read(12, 18, 500))).toEqual({ rows: [15], through: 18 });
    expect(positionsOf(tail.read(13, 30, 500))).toEqual({ rows: [15, 20], through: 20 });
    expect(positionsOf(tail.read(10, 30, 2))).toEqual({ rows: [11, 12], through: 12 });
    expect(tail.read(9, 30, 500)).toBeUndefined(); // what lies between 9 and 10 is not known here
    expect(tail.read(20, 30, 500)).toBeUndefined(); // nothing newer is held
    tail.add(20, 25, rowsAt(22));
    expect(positionsOf(tail.read(15, 30, 500))).toEqual({ rows: [20, 22], through: 25 });
  });

  it('restarts from a read newer than it, ignores one behind it, and keeps only its capacity', () => {
    const tail = new LogTail(3, 5000, () => 0);
    tail.add(0, 5, rowsAt(1, 2, 3, 4, 5));
    expect(tail.read(0, 5, 500)).toBeUndefined(); // the two oldest left: what follows 0 is no longer all here
    expect(positionsOf(tail.read(2, 5, 500))).toEqual({ rows: [3, 4, 5], through: 5 });
    tail.add(8, 9, rowsAt(9));
    expect(tail.read(5, 9, 500)).toBeUndefined(); // 6 to 8 were never read
    expect(positionsOf(tail.read(8, 9, 500))).toEqual({ rows: [9], through: 9 });
    tail.add(0, 2, rowsAt(1, 2));
    expect(positionsOf(tail.read(8, 9, 500))).toEqual({ rows: [9], through: 9 });
  });

  it('answers nothing once its last read is older than its age limit, or after clear', () => {
    let now = 0;
    const tail = new LogTail(100, 5000, () => now);
    tail.add(0, 3, rowsAt(1, 2, 3));
    now = 5001;
    expect(tail.read(0, 3, 500)).toBeUndefined();
    tail.add(3, 4, rowsAt(4)); // stale: starts again from this read
    expect(tail.read(0, 4, 500)).toBeUndefined();
    expect(positionsOf(tail.read(3, 4, 500))).toEqual({ rows: [4], through: 4 });
    tail.clear();
    expect(tail.read(3, 4, 500)).toBeUndefined();
  });
});
