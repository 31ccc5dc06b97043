import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DomainError } from '#core';
import {
  findChainBreak,
  IdempotencyKeyReusedError,
  subscribe,
  WrongExpectedVersionError,
  type EventStore,
  type AppendResult,
  type NewEvent,
  type RecordedEvent,
} from '../index.js';

/** How a contract run reaches one adapter: `open` may be called again to simulate a restart. */
export interface EventStoreHarness {
  open(options?: { maxEventBytes?: number }): Promise<EventStore>;
  cleanup(): Promise<void>;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function tenant(): string {
  return `t-${randomUUID().slice(0, 8)}`;
}

export function events(count: number, type = 'ItemAdded'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({ type, data: { n: i, label: `item ${i}` }, metadata: { userId: 'u1', correlationId: 'c1' } }));
}

export async function collect(iterator: AsyncGenerator<RecordedEvent[]>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const batch of iterator) all.push(...batch);
  return all;
}

/** What a repeated key answers: the first answer, replayed, without the time its events were recorded. */
export function replayOf(first: AppendResult): AppendResult {
  const { recordedAt: _recordedAt, ...rest } = first;
  return { ...rest, replayed: true };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<DomainError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

/** The behaviour every EventStore adapter must show; run unchanged against each of them. */
export function eventStoreContract(name: string, makeHarness: () => Promise<EventStoreHarness>): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;

    beforeAll(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterAll(async () => {
      await store?.close();
      await harness?.cleanup();
    });

    describe('append and readStream', () => {
      it('records the full envelope and reads a stream forward, backward, from a version, with a limit', async () => {
        const t = tenant();
        const before = Date.now();
        const result = await store.append(t, 'order-1', 'no-stream', [
          { type: 'OrderPlaced', data: { total: 12.5, lines: [{ sku: 'a', qty: 2 }] }, metadata: { userId: 'alice', tool: 'place_order' } },
          { type: 'OrderPaid', data: { amount: 12.5 }, schemaVersion: 2 },
          { type: 'OrderShipped', data: null },
        ]);
        expect(result).toMatchObject({ nextExpectedVersion: 3, replayed: false });
        expect(result.lastGlobalPosition - result.firstGlobalPosition).toBe(2);

        const forward = await store.readStream(t, 'order-1');
        expect(forward.map((e) => [e.type, e.streamVersion, e.tenantPosition])).toEqual([
          ['OrderPlaced', 1, 1],
          ['OrderPaid', 2, 2],
          ['OrderShipped', 3, 3],
        ]);
        const [placed, paid] = forward;
        expect(placed).toMatchObject({
          tenantId: t,
          streamId: 'order-1',
          schemaVersion: 1,
          data: { total: 12.5, lines: [{ sku: 'a', qty: 2 }] },
          metadata: { userId: 'alice', tool: 'place_order' },
          globalPosition: result.firstGlobalPosition,
        });
        expect(paid!.schemaVersion).toBe(2);
        expect(forward.map((e) => e.eventId)).toEqual(result.eventIds);
        for (const event of forward) {
          expect(event.eventId).toMatch(UUID_V7);
          expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(Date.parse(event.recordedAt)).toBeGreaterThanOrEqual(before - 5);
        }

        expect((await store.readStream(t, 'order-1', { direction: 'backward' })).map((e) => e.streamVersion)).toEqual([3, 2, 1]);
        expect((await store.readStream(t, 'order-1', { fromVersion: 2 })).map((e) => e.streamVersion)).toEqual([2, 3]);
        expect((await store.readStream(t, 'order-1', { direction: 'backward', fromVersion: 2, limit: 1 })).map((e) => e.streamVersion)).toEqual([2]);
        expect(await store.readStream(t, 'no-such-stream')).toEqual([]);
      });

      it('appends with exact, no-stream and any expectations and refuses a wrong one, writing nothing', async () => {
        const t = tenant();
        await store.append(t, 's', 0, events(2));
        await store.append(t, 's', 2, events(1));
        await store.append(t, 's', 'any', events(1));
        const head = await store.headPosition();
        const conflicts: Array<[number | 'no-stream', number]> = [[2, 4], [5, 4], ['no-stream', 4]];
        for (const [expected, actual] of conflicts) {
          const error = await expectCode(store.append(t, 's', expected, events(3)), 'stream.wrong_expected_version');
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error.details).toMatchObject({ expected, actual });
        }
        expect((await store.readStream(t, 's')).length).toBe(4);
        expect(await store.headPosition()).toBe(head);
      });

      it('lets exactly one of many racing appends with the same expected version win', async () => {
        const t = tenant();
        await store.append(t, 'race', 'no-stream', events(1));
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(t, 'race', 1, events(2))));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
          expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        expect((await store.readStream(t, 'race')).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
      });

      it('fails only the conflicting append among concurrent appends that may share a commit', async () => {
        const t = tenant();
        await store.append(t, 'shared-0', 'no-stream', events(1));
        const appends = Array.from({ length: 16 }, (_, i) =>
          i === 7 ? store.append(t, 'shared-0', 'no-stream', events(2)) : store.append(t, `shared-${i + 1}`, 'no-stream', events(2)),
        );
        const outcomes = await Promise.allSettled(appends);
        outcomes.forEach((outcome, i) => expect(outcome.status).toBe(i === 7 ? 'rejected' : 'fulfilled'));
        expect((await store.readStream(t, 'shared-0')).length).toBe(1);
        const tenantEvents = await collect(store.readAll({ tenantId: t }));
        expect(tenantEvents.map((e) => e.tenantPosition)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
        expect(findChainBreak(tenantEvents)).toBeUndefined();
      });
    });

    describe('idempotency', () => {
      it('returns the first result for a repeated key and appends nothing', async () => {
        const t = tenant();
        const first = await store.append(t, 'pay-1', 'no-stream', events(2), { idempotencyKey: 'cmd-42' });
        const head = await store.headPosition();
        const again = await store.append(t, 'pay-1', 'no-stream', events(2), { idempotencyKey: 'cmd-42' });
        expect(again).toEqual(replayOf(first));
        expect(await store.headPosition()).toBe(head);
        const stored = await store.readStream(t, 'pay-1');
        expect(stored.length).toBe(2);
        // The append made now answers when its events were recorded; the replay, which made none, does not.
        expect(stored.map((event) => event.recordedAt)).toEqual([first.recordedAt, first.recordedAt]);
        expect(again.recordedAt).toBeUndefined();
      });

      it('refuses the same key with different content, and keeps keys apart per tenant', async () => {
        const t = tenant();
        await store.append(t, 'pay-2', 'any', events(1), { idempotencyKey: 'k1' });
        const head = await store.headPosition();
        const error = await expectCode(store.append(t, 'pay-2', 'any', events(2), { idempotencyKey: 'k1' }), 'append.idempotency_key_reused');
        expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
        await expectCode(store.append(t, 'pay-other', 'any', events(1), { idempotencyKey: 'k1' }), 'append.idempotency_key_reused');
        expect(await store.headPosition()).toBe(head);
        const other = await store.append(tenant(), 'pay-2', 'any', events(1), { idempotencyKey: 'k1' });
        expect(other.replayed).toBe(false);
      });

      it('honours a caller fingerprint and reports accepted keys', async () => {
        const t = tenant();
        expect(await store.findIdempotencyKey(t, 'cmd-1')).toBeUndefined();
        const first = await store.append(t, 'memory-1', 'any', events(1), { idempotencyKey: 'cmd-1', fingerprint: 'args-hash-a' });
        expect(await store.findIdempotencyKey(t, 'cmd-1')).toEqual({ fingerprint: 'args-hash-a', result: replayOf(first) });
        // Same fingerprint, other events (decided against a newer state): still the first result.
        expect(await store.append(t, 'memory-1', 'any', events(3), { idempotencyKey: 'cmd-1', fingerprint: 'args-hash-a' })).toEqual(replayOf(first));
        await expectCode(store.append(t, 'memory-1', 'any', events(1), { idempotencyKey: 'cmd-1', fingerprint: 'args-hash-b' }), 'append.idempotency_key_reused');
        expect(await store.findIdempotencyKey(tenant(), 'cmd-1')).toBeUndefined();
        await expectCode(store.findIdempotencyKey(t, 'has space'), 'append.invalid_idempotency_key');
        expect((await store.readStream(t, 'memory-1')).length).toBe(1);
      });

      it('appends once when the same key races with itself', async () => {
        const t = tenant();
        const results = await Promise.all(Array.from({ length: 8 }, () => store.append(t, 'pay-3', 'any', events(1), { idempotencyKey: 'k-race' })));
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(new Set(results.map((r) => r.eventIds[0])).size).toBe(1);
        expect((await store.readStream(t, 'pay-3')).length).toBe(1);
      });
    });

    describe('global log, tenant order and hash chain', () => {
      it('reads the global log in order, in batches, from a position, for all tenants or one', async () => {
        const a = tenant();
        const b = tenant();
        const start = await store.headPosition();
        for (let i = 0; i < 5; i++) {
          await store.append(a, `s-${i}`, 'any', events(3));
          await store.append(b, `s-${i}`, 'any', events(2));
        }
        const batches: RecordedEvent[][] = [];
        for await (const batch of store.readAll({ after: start, batchSize: 4 })) batches.push(batch);
        const all = batches.flat();
        expect(batches.every((batch) => batch.length <= 4)).toBe(true);
        expect(all.length).toBe(25);
        expect(all.every((e, i) => i === 0 || e.globalPosition > all[i - 1]!.globalPosition)).toBe(true);
        expect(all[0]!.globalPosition).toBeGreaterThan(start);

        const onlyB = await collect(store.readAll({ tenantId: b, batchSize: 3 }));
        expect(onlyB.map((e) => e.tenantId)).toEqual(Array(10).fill(b));
        expect(onlyB.map((e) => e.tenantPosition)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        const afterFifth = await collect(store.readAll({ tenantId: b, after: onlyB[4]!.globalPosition }));
        expect(afterFifth.map((e) => e.tenantPosition)).toEqual([6, 7, 8, 9, 10]);
        expect(await store.headPosition(b)).toBe(onlyB[9]!.globalPosition);
        expect(await store.committedPosition(b)).toBe(onlyB[9]!.globalPosition);
      });

      it('chains every tenant event to its predecessor, so tampering is detected', async () => {
        const t = tenant();
        for (let i = 0; i < 4; i++) await store.append(t, `c-${i % 2}`, 'any', events(3));
        const chain = await collect(store.readAll({ tenantId: t }));
        expect(chain).toHaveLength(12);
        expect(findChainBreak(chain)).toBeUndefined();
        const tampered = chain.map((e) => ({ ...e }));
        tampered[5] = { ...tampered[5]!, data: { n: 999 } };
        expect(findChainBreak(tampered)?.tenantPosition).toBe(6);
        expect(findChainBreak([...chain.slice(0, 3), ...chain.slice(4)])?.tenantPosition).toBe(5);
      });
    });

    describe('archived streams (tombstones)', () => {
      it('reads skip tombstones, a chain read sees them, and the chain verifies across them and after them', async () => {
        const t = tenant();
        const other = tenant();
        await store.append(t, 'run-a', 'no-stream', events(2));
        await store.append(t, 'live', 'no-stream', events(1));
        await store.append(t, 'run-b', 'no-stream', events(1));
        await store.append(other, 'run-a', 'no-stream', events(2));
        await store.append(t, 'live', 1, events(1));
        const before = await collect(store.readAll({ tenantId: t }));
        const head = await store.headPosition(t);

        expect(await store.archiveStreams(t, ['run-a', 'run-b'], head)).toBe(3);
        expect(await store.archiveStreams(t, ['run-a', 'run-b'], head)).toBe(0);

        expect(await store.readStream(t, 'run-a')).toEqual([]);
        expect(await store.readStream(t, 'live')).toHaveLength(2);
        const live = await collect(store.readAll({ tenantId: t, batchSize: 1 }));
        expect(live.map((e) => e.streamId)).toEqual(['live', 'live']);
        expect(live.every((e) => e.archived === undefined)).toBe(true);
        const everyone = await collect(store.readAll({ after: before[0]!.globalPosition - 1 }));
        expect(everyone.filter((e) => e.tenantId === t).map((e) => e.streamId)).toEqual(['live', 'live']);
        expect((await store.readStream(other, 'run-a')).map((e) => e.data)).toEqual(events(2).map((e) => e.data));
        expect(await store.headPosition(t)).toBe(head);

        const chain = await collect(store.readAll({ tenantId: t, withTombstones: true, batchSize: 2 }));
        expect(chain.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4, 5]);
        expect(chain.map((e) => [e.globalPosition, e.hash])).toEqual(before.map((e) => [e.globalPosition, e.hash]));
        const tombstones = chain.filter((e) => e.archived === true);
        expect(tombstones.map((e) => [e.streamId, e.streamVersion, e.data, e.metadata])).toEqual([['run-a', 1, null, {}], ['run-a', 2, null, {}], ['run-b', 1, null, {}]]);
        expect(findChainBreak(chain)).toBeUndefined();
        const tampered = chain.map((e) => (e.tenantPosition === 2 ? { ...e, hash: 'f'.repeat(64) } : e));
        expect(findChainBreak(tampered)?.tenantPosition).toBe(3);

        await store.append(t, 'live', 2, events(1));
        expect(findChainBreak(await collect(store.readAll({ tenantId: t, withTombstones: true })))).toBeUndefined();
        // A closed stream is never written again: its version is held by its tombstones.
        await expectCode(store.append(t, 'run-a', 'no-stream', events(1)), 'stream.wrong_expected_version');
      });

      it('tombstones only up to the given position, and refuses bad arguments', async () => {
        const t = tenant();
        const first = await store.append(t, 'run-c', 'no-stream', events(2));
        await store.append(t, 'run-c', 2, events(1));
        expect(await store.archiveStreams(t, ['run-c'], first.lastGlobalPosition)).toBe(2);
        expect((await store.readStream(t, 'run-c')).map((e) => e.streamVersion)).toEqual([3]);
        await expectCode(store.archiveStreams('bad tenant', ['run-c'], 10), 'store.invalid_tenant_id');
        await expectCode(store.archiveStreams(t, ['bad stream'], 10), 'store.invalid_stream_id');
        await expectCode(store.archiveStreams(t, ['run-c'], -1), 'store.invalid_position');
        expect(await store.readStream(t, 'run-c')).toHaveLength(1);
      });
    });

    describe('tenant isolation', () => {
      it('keeps streams with the same id apart and never reads across tenants', async () => {
        const a = tenant();
        const b = tenant();
        await store.append(a, 'memory-u1', 'no-stream', [{ type: 'MemoryPut', data: { secret: 'a-only' } }]);
        await store.append(b, 'memory-u1', 'no-stream', events(2));
        expect((await store.readStream(a, 'memory-u1')).map((e) => e.data)).toEqual([{ secret: 'a-only' }]);
        const fromB = await store.readStream(b, 'memory-u1');
        expect(fromB.every((e) => e.tenantId === b)).toBe(true);
        expect(JSON.stringify(fromB)).not.toContain('a-only');
        expect(JSON.stringify(await collect(store.readAll({ tenantId: b })))).not.toContain('a-only');
        await expectCode(store.append(b, 'memory-u1', 1, events(1)), 'stream.wrong_expected_version');
      });
    });

    describe('subscriptions', () => {
      it('catches up, goes live, and resumes from its durable checkpoint after a restart', async () => {
        const t = tenant();
        await store.append(t, 'sub-1', 'any', events(5));
        const seen: RecordedEvent[] = [];
        const first = subscribe(store, { subscriptionId: `proj-${t}`, tenantId: t, handle: (e) => void seen.push(e), batchSize: 2 });
        await first.caughtUp;
        expect(seen.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4, 5]);

        const live = await store.append(t, 'sub-2', 'any', events(3));
        await first.reached(live.lastGlobalPosition);
        expect(seen.map((e) => e.tenantPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        await first.stop();

        await store.append(t, 'sub-3', 'any', events(2));
        await store.close();
        store = await harness.open();
        const afterRestart: RecordedEvent[] = [];
        const second = subscribe(store, { subscriptionId: `proj-${t}`, tenantId: t, handle: (e) => void afterRestart.push(e) });
        await second.caughtUp;
        expect(afterRestart.map((e) => e.tenantPosition)).toEqual([9, 10]);
        await second.stop();
      });

      it('delivers every tenant event to an all-tenant subscription exactly once, in order', async () => {
        const head = await store.headPosition();
        await store.checkpoints.save('all-tenants', head);
        const seen: RecordedEvent[] = [];
        const sub = subscribe(store, { subscriptionId: 'all-tenants', handle: (e) => void seen.push(e) });
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(tenant(), `s-${i}`, 'any', events(3))));
        await sub.reached(Math.max(...results.map((r) => r.lastGlobalPosition)));
        await sub.stop();
        expect(seen).toHaveLength(30);
        expect(new Set(seen.map((e) => e.eventId)).size).toBe(30);
        expect(seen.every((e, i) => i === 0 || e.globalPosition > seen[i - 1]!.globalPosition)).toBe(true);
      });
    });

    describe('bad input gets a typed error and writes nothing', () => {
      let limited: EventStore;
      let t: string;
      let head: number;

      beforeAll(async () => {
        limited = await harness.open({ maxEventBytes: 1024 });
        t = tenant();
        await limited.append(t, 'ok', 'no-stream', events(1));
      });
      afterAll(async () => limited.close());

      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      const cases: Array<[string, () => [unknown, unknown, unknown, unknown, unknown?], string]> = [
        ['empty tenant id', () => ['', 's', 'any', events(1)], 'store.invalid_tenant_id'],
        ['tenant id with a quote', () => ["t'; DROP TABLE x; --", 's', 'any', events(1)], 'store.invalid_tenant_id'],
        ['non-string tenant id', () => [42, 's', 'any', events(1)], 'store.invalid_tenant_id'],
        ['stream id with a space', () => [t, 'my stream', 'any', events(1)], 'store.invalid_stream_id'],
        ['over-long stream id', () => [t, 'x'.repeat(201), 'any', events(1)], 'store.invalid_stream_id'],
        ['negative expected version', () => [t, 'ok', -1, events(1)], 'store.invalid_position'],
        ['fractional expected version', () => [t, 'ok', 1.5, events(1)], 'store.invalid_position'],
        ['unknown expectation', () => [t, 'ok', 'latest', events(1)], 'store.invalid_position'],
        ['no events', () => [t, 'ok', 'any', []], 'append.invalid_events'],
        ['event without a type', () => [t, 'ok', 'any', [{ data: {} }]], 'append.invalid_event_type'],
        ['zero schema version', () => [t, 'ok', 'any', [{ type: 'X', data: {}, schemaVersion: 0 }]], 'append.invalid_schema_version'],
        ['oversized event', () => [t, 'ok', 'any', [{ type: 'Big', data: { blob: 'x'.repeat(2000) } }]], 'append.event_too_large'],
        ['a Date in data', () => [t, 'ok', 'any', [{ type: 'X', data: { at: new Date() } }]], 'append.data_not_json'],
        ['undefined in data', () => [t, 'ok', 'any', [{ type: 'X', data: { a: undefined } }]], 'append.data_not_json'],
        ['a function in data', () => [t, 'ok', 'any', [{ type: 'X', data: { f: () => 1 } }]], 'append.data_not_json'],
        ['NaN in data', () => [t, 'ok', 'any', [{ type: 'X', data: [Number.NaN] }]], 'append.data_not_json'],
        ['a bigint in data', () => [t, 'ok', 'any', [{ type: 'X', data: { n: 10n } }]], 'append.data_not_json'],
        ['a cycle in data', () => [t, 'ok', 'any', [{ type: 'X', data: circular }]], 'append.data_not_json'],
        ['a lone surrogate in data', () => [t, 'ok', 'any', [{ type: 'X', data: '\ud800' }]], 'append.data_not_json'],
        ['metadata that is not an object', () => [t, 'ok', 'any', [{ type: 'X', data: 1, metadata: 'x' }]], 'append.metadata_not_json'],
        ['a blank idempotency key', () => [t, 'ok', 'any', events(1), { idempotencyKey: 'has space' }], 'append.invalid_idempotency_key'],
      ];

      it.each(cases)('%s', async (_label, args, code) => {
        head = await limited.headPosition();
        const [tenantId, streamId, expected, newEvents, options] = args();
        const append = limited.append as (...a: unknown[]) => Promise<unknown>;
        await expectCode(append.call(limited, tenantId, streamId, expected, newEvents, options), code);
        expect(await limited.headPosition()).toBe(head);
        expect(await limited.readStream(t, 'ok')).toHaveLength(1);
      });

      it('refuses a whole batch when one of its events is bad', async () => {
        head = await limited.headPosition();
        await expectCode(limited.append(t, 'ok', 'any', [...events(2), { type: 'Big', data: 'y'.repeat(5000) }]), 'append.event_too_large');
        expect(await limited.headPosition()).toBe(head);
      });

      it('refuses bad read arguments with a typed error', async () => {
        await expectCode(limited.readStream('bad tenant', 'ok'), 'store.invalid_tenant_id');
        await expectCode(limited.readStream(t, 'ok', { limit: 0 }), 'store.invalid_position');
        await expectCode(limited.readStream(t, 'ok', { fromVersion: -3 }), 'store.invalid_position');
        await expectCode(collect(limited.readAll({ after: -1 })), 'store.invalid_position');
        await expectCode(collect(limited.readAll({ tenantId: '../x' })), 'store.invalid_tenant_id');
      });
    });
  });
}
