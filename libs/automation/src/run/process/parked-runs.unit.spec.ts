import { describe, expect, it } from '@jest/globals';
import { ParkedRuns } from './parked-runs.js';

describe('the scheduler\'s parked runs', () => {
  it('expires entries in time order and says when the next falls due', () => {
    const parked = new ParkedRuns();
    parked.set('a', { version: 1, until: 300 });
    parked.set('b', { version: 1, until: 100 });
    parked.set('c', { version: 1, until: Number.MAX_SAFE_INTEGER });
    parked.set('d', { version: 1, until: 200 });
    expect(parked.nextDue()).toBe(100);
    expect(parked.expire(99)).toBe(0);
    expect(parked.expire(200)).toBe(2);
    expect([parked.get('b'), parked.get('d')]).toEqual([undefined, undefined]);
    expect(parked.nextDue()).toBe(300);
    expect(parked.expire(1e12)).toBe(1);
    // A run parked without a time never expires and never sets a timer.
    expect(parked.nextDue()).toBe(Infinity);
    expect(parked.get('c')).toEqual({ version: 1, until: Number.MAX_SAFE_INTEGER });
  });

  it('ignores the times of entries replaced or deleted since', () => {
    const parked = new ParkedRuns();
    parked.set('a', { version: 1, until: 100 });
    parked.set('a', { version: 2, until: 500 });
    parked.set('b', { version: 1, until: 50 });
    parked.delete('b');
    expect(parked.nextDue()).toBe(500);
    expect(parked.expire(400)).toBe(0);
    expect(parked.get('a')).toEqual({ version: 2, until: 500 });
    // Parked again with the time it had before: the new entry counts, not the stale one.
    parked.set('b', { version: 3, until: 50 });
    expect(parked.expire(60)).toBe(1);
    expect(parked.get('b')).toBeUndefined();
  });

  it('keeps its heap near the live entries however often they are replaced, and agrees with a scan', () => {
    const parked = new ParkedRuns();
    const model = new Map<string, number>();
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    let now = 0;
    for (let step = 0; step < 50_000; step++) {
      const id = `r${random(500)}`;
      if (random(10) === 0) {
        parked.delete(id);
        model.delete(id);
      } else {
        const until = now + 1 + random(1000);
        parked.set(id, { version: step, until });
        model.set(id, until);
      }
      if (step % 100 === 0) {
        now += 50;
        const due = [...model].filter(([, until]) => until <= now);
        expect(parked.expire(now)).toBe(due.length);
        for (const [id] of due) model.delete(id);
        expect(parked.nextDue()).toBe(model.size === 0 ? Infinity : Math.min(...model.values()));
      }
    }
    expect(parked.size).toBe(model.size);
    expect((parked as unknown as { heap: unknown[] }).heap.length).toBeLessThanOrEqual(2 * model.size + 1024);
  });
});
