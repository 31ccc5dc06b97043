import { describe, expect, it } from '@jest/globals';
import { Frontier, type Projection, type RebuildState } from '#projections';
import { projectionStatus } from './projection-status.js';

const projection: Projection = { name: 'runs', version: 3, tables: {}, handles: () => false, apply: async () => undefined };
const replay = (overrides: Partial<RebuildState>): RebuildState => ({ projection: 'runs', generation: 2, tenantScope: '', position: 300, liveVersion: 3, active: true, ...overrides });

describe('projectionStatus', () => {
  it('gives the checkpoint, the stored version and the lag behind the head of a view that follows the log', () => {
    expect(projectionStatus(projection, new Frontier(3, 900, []), undefined, 1000)).toEqual({
      name: 'runs', version: 3, storedVersion: 3, checkpoint: 900, partitions: null, lag: 100, replay: null,
    });
  });

  it('takes the lowest partition of a view fed by Kafka as its checkpoint, and lists them all', () => {
    expect(projectionStatus(projection, new Frontier(3, 0, [950, 880, 1000]), undefined, 1000)).toMatchObject({ checkpoint: 880, partitions: [950, 880, 1000], lag: 120 });
  });

  it('shows a view not built yet, or built by another version of the code', () => {
    expect(projectionStatus(projection, undefined, undefined, 40)).toMatchObject({ storedVersion: null, checkpoint: null, lag: 40 });
    expect(projectionStatus(projection, new Frontier(2, 10, []), undefined, 40)).toMatchObject({ version: 3, storedVersion: 2, checkpoint: 10, lag: 30 });
  });

  it('never shows a negative lag (a checkpoint read after the head)', () => {
    expect(projectionStatus(projection, new Frontier(3, 1001, []), undefined, 1000).lag).toBe(0);
  });

  it('shows an unfinished replay with its progress towards the live checkpoint, and none once switched in', () => {
    const updatedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(projectionStatus(projection, new Frontier(3, 900, []), replay({ updatedAt }), 1000).replay).toEqual({
      generation: 2, tenantId: null, position: 300, target: 900, progress: 0.3333, updatedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(projectionStatus(projection, new Frontier(3, 900, []), replay({ tenantScope: 'acme' }), 1000).replay).toMatchObject({ tenantId: 'acme', updatedAt: null });
    expect(projectionStatus(projection, new Frontier(3, 0, []), replay({ position: 0 }), 0).replay).toMatchObject({ progress: 1 });
    expect(projectionStatus(projection, new Frontier(3, 900, []), replay({ active: false, position: 900 }), 1000).replay).toBeNull();
  });
});
