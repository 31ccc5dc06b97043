import { describe, expect, it } from '@jest/globals';
import { instanceStatus } from './instance.js';

describe('instanceStatus', () => {
  const seenAt = 1_000_000;

  it('is running while the last heartbeat is at most three beats old', () => {
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 5000, stoppedAt: null }, seenAt)).toBe('running');
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 5000, stoppedAt: null }, seenAt + 15_000)).toBe('running');
  });

  it('is stale past three beats of its own interval, whatever the reader beats at', () => {
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 5000, stoppedAt: null }, seenAt + 15_001)).toBe('stale');
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 60_000, stoppedAt: null }, seenAt + 15_001)).toBe('running');
  });

  it('is stopped once the process said so, however long ago', () => {
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 5000, stoppedAt: seenAt }, seenAt)).toBe('stopped');
    expect(instanceStatus({ lastSeenAt: seenAt, heartbeatMs: 5000, stoppedAt: seenAt }, seenAt + 3_600_000)).toBe('stopped');
  });
});
