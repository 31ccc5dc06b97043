import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ViewDb } from '#projections';
import { sharedViewDbs } from '../../../projections/src/testing/shared-view-dbs.js';
import type { InstanceIdentity } from './instance.js';
import { InstanceRegistry } from './instance-registry.js';

const ready = { ready: true, checks: { drain: 'ok', eventStore: 'ok' } };
const identity = (instanceId: string, overrides: Partial<InstanceIdentity> = {}): InstanceIdentity => ({
  instanceId, role: 'worker', host: 'host-a', pid: 4242, version: '0.1.0', startedAt: 1_000, heartbeatMs: 5000, ...overrides,
});

/** Two processes' registries on one store: each its own connections, as the platform and a worker have. */
describe.each(['sqlite', 'postgres'] as const)('the instance registry on %s', (kind) => {
  let first: ViewDb;
  let second: ViewDb;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const shared = await sharedViewDbs(kind);
    [first, second] = shared.dbs as [ViewDb, ViewDb];
    close = shared.close;
  });
  afterAll(async () => close?.());

  it('makes its table once, whichever process comes first (on PostgreSQL even together)', async () => {
    // SQLite's views have one process: two connections of one process would wait on each other's lock.
    if (kind === 'postgres') await Promise.all([new InstanceRegistry(first).list(0), new InstanceRegistry(second).list(0)]);
    else for (const views of [first, second]) await new InstanceRegistry(views).list(0);
    expect(await new InstanceRegistry(first).list(0)).toEqual([]);
  });

  it("shows each process's own row: its identity, its last beat and readiness, and its status judged by the reader", async () => {
    const api = new InstanceRegistry(first);
    const worker = new InstanceRegistry(second);
    await api.beat(identity('api-1', { role: 'api' }), 10_000, ready);
    await worker.beat(identity('worker-1'), 10_000, ready);
    await worker.beat(identity('worker-1'), 15_000, { ready: false, checks: { drain: 'draining', eventStore: 'ok' } });

    const seen = await api.list(16_000);
    expect(seen).toEqual([
      { ...identity('api-1', { role: 'api' }), lastSeenAt: 10_000, ready: true, checks: { drain: 'ok', eventStore: 'ok' }, stoppedAt: null, status: 'running' },
      { ...identity('worker-1'), lastSeenAt: 15_000, ready: false, checks: { drain: 'draining', eventStore: 'ok' }, stoppedAt: null, status: 'running' },
    ]);
    expect((await worker.list(10_000 + 15_001)).map((entry) => [entry.instanceId, entry.status])).toEqual([['api-1', 'stale'], ['worker-1', 'running']]);
  });

  it('marks a process stopped on its graceful shutdown, and prunes the entries unseen since a time', async () => {
    const registry = new InstanceRegistry(second);
    await registry.stop('worker-1', 20_000);
    expect((await registry.list(1_000_000)).find((entry) => entry.instanceId === 'worker-1')).toMatchObject({ status: 'stopped', stoppedAt: 20_000, lastSeenAt: 20_000, ready: false });

    expect(await registry.prune(12_000)).toBe(1);
    expect((await registry.list(20_000)).map((entry) => entry.instanceId)).toEqual(['worker-1']);
    expect(await registry.prune(12_000)).toBe(0);
  });
});
