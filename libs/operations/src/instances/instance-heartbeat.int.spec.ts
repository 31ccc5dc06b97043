import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteViewDb } from '#projections';
import { InstanceHeartbeat } from './instance-heartbeat.js';
import { InstanceRegistry } from './instance-registry.js';
import type { Readiness, ReadinessProbe } from './readiness.port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InstanceHeartbeat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-heartbeat-'));
  const db = SqliteViewDb.open(join(dir, 'views.db'));
  const registry = new InstanceRegistry(db);
  let heartbeat: InstanceHeartbeat | undefined;

  afterEach(async () => {
    await heartbeat?.onModuleDestroy();
    heartbeat = undefined;
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the process before it is up, its readiness with every beat, and stopped at the shutdown; prunes entries unseen for a day', async () => {
    const dayAgo = Date.now() - 86_400_000;
    const gone = { instanceId: 'gone', role: 'worker' as const, host: 'h', pid: 1, version: '0', startedAt: dayAgo - 10, heartbeatMs: 5000 };
    await registry.beat(gone, dayAgo - 1, { ready: true, checks: {} });
    await registry.beat({ ...gone, instanceId: 'recent' }, dayAgo + 60_000, { ready: true, checks: {} });
    let readiness: Readiness = { ready: true, checks: { drain: 'ok', eventStore: 'ok' } };
    heartbeat = new InstanceHeartbeat({ role: 'worker', intervalMs: 50 }, { check: async () => readiness }, registry);
    await heartbeat.onApplicationBootstrap();
    const { instanceId } = heartbeat.identity;
    const entry = async () => (await registry.list(Date.now())).find((candidate) => candidate.instanceId === instanceId)!;
    expect((await registry.list(Date.now())).map((candidate) => candidate.instanceId)).toEqual(['recent', instanceId]);
    const first = await entry();
    expect(first).toMatchObject({ role: 'worker', pid: process.pid, version: expect.stringMatching(/^\d+\.\d+\.\d+/), heartbeatMs: 50, status: 'running', ready: true });

    readiness = { ready: false, checks: { drain: 'draining', eventStore: 'ok' } };
    await sleep(200);
    const later = await entry();
    expect(later.lastSeenAt).toBeGreaterThan(first.lastSeenAt);
    expect(later).toMatchObject({ ready: false, checks: { drain: 'draining', eventStore: 'ok' } });

    await heartbeat.onModuleDestroy();
    heartbeat = undefined;
    const stopped = await entry();
    expect(stopped).toMatchObject({ status: 'stopped', ready: false });
    await sleep(150);
    expect(await entry()).toEqual(stopped);
  });

  it('never takes a beat while the last one is under way, and goes on after a failing one', async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const probe: ReadinessProbe = {
      async check() {
        calls += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(60);
        inFlight -= 1;
        if (calls === 2) throw new Error('store away');
        return { ready: true, checks: {} };
      },
    };
    heartbeat = new InstanceHeartbeat({ role: 'api', intervalMs: 10 }, probe, registry);
    await heartbeat.onApplicationBootstrap();
    const failedAfter = Date.now();
    await sleep(400);
    expect(most).toBe(1);
    expect(calls).toBeGreaterThan(3);
    const entry = (await registry.list(Date.now())).find((candidate) => candidate.instanceId === heartbeat!.identity.instanceId);
    expect(entry?.lastSeenAt).toBeGreaterThan(failedAfter);
  });
});
