import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';

let fixture: FixtureServer;

beforeAll(async () => {
  fixture = await startFixtureServer();
});
afterEach(() => fixture.reset());
afterAll(() => fixture.close());

function post(path: string, body: unknown, key?: string, signal?: AbortSignal): Promise<Response> {
  return fetch(fixture.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key !== undefined && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
    ...(signal && { signal }),
  });
}

describe('fixture server', () => {
  it('listens on 127.0.0.1, answers 200 with what it received and records the request', async () => {
    expect(fixture.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${fixture.url}/orders?status=open`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1', 'x-extra': 'yes' }, body: '{"n":1}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, path: '/orders', received: { n: 1 }, id: expect.any(Number) });
    expect(fixture.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/orders', query: { status: 'open' }, body: { n: 1 }, idempotencyKey: 'k1', at: expect.any(Number) }),
    ]);
    expect(fixture.requests[0]?.headers['x-extra']).toBe('yes');
  });

  it('replays the stored response for a repeated (path, key) and counts one effect', async () => {
    const first = await (await post('/pay', { amount: 5 }, 'key-a')).json();
    const again = await post('/pay', { amount: 5 }, 'key-a');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(first);
    const otherKey = await (await post('/pay', { amount: 5 }, 'key-b')).json();
    const otherPath = await (await post('/refund', { amount: 5 }, 'key-a')).json();
    expect(new Set([(first as { id: number }).id, (otherKey as { id: number }).id, (otherPath as { id: number }).id]).size).toBe(3);
    expect(fixture.requests).toHaveLength(4);
    expect(fixture.effects()).toEqual([
      { path: '/pay', idempotencyKey: 'key-a', body: { amount: 5 } },
      { path: '/pay', idempotencyKey: 'key-b', body: { amount: 5 } },
      { path: '/refund', idempotencyKey: 'key-a', body: { amount: 5 } },
    ]);
    expect([...fixture.effectCounts().values()]).toEqual([1, 1, 1]);
  });

  it('counts requests without a key as repeated effects, so a missing key shows', async () => {
    await post('/pay', { amount: 1 });
    await post('/pay', { amount: 1 });
    expect(fixture.effectCounts()).toEqual(new Map([['/pay ', 2]]));
  });

  it('serves scripted answers in order, whatever the method, then the default again; failures are not effects', async () => {
    fixture.script('/flaky', [{ status: 500 }, { status: 429, retryAfter: '1' }]);
    const first = await post('/flaky', {}, 'k');
    expect(first.status).toBe(500);
    const second = await fetch(`${fixture.url}/flaky`, { headers: { 'idempotency-key': 'k' } });
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, '1']);
    expect(fixture.effects()).toEqual([]);
    const third = await post('/flaky', {}, 'k');
    expect(third.status).toBe(200);
    expect(fixture.effectCounts()).toEqual(new Map([['/flaky k', 1]]));
  });

  it('answers a path with its configured default, and a replay beats a script', async () => {
    fixture.respond('/custom', { status: 201, body: { created: true }, headers: { location: '/custom/1' } });
    const created = await post('/custom', {}, 'k');
    expect([created.status, created.headers.get('location'), await created.json()]).toEqual([201, '/custom/1', { created: true }]);
    fixture.script('/custom', [{ status: 503 }]);
    expect((await post('/custom', {}, 'k')).status).toBe(201);
    expect((await post('/custom', {}, 'other')).status).toBe(503);
  });

  it('reports the peak of simultaneous requests', async () => {
    fixture.respond('/slow', { hangMs: 150 });
    await Promise.all([post('/slow', {}, 'a'), post('/slow', {}, 'b'), post('/slow', {}, 'c')]);
    expect(fixture.concurrentPeak()).toBe(3);
    expect(fixture.requests).toHaveLength(3);
  });

  it('holds a hanging answer until the client gives up', async () => {
    fixture.script('/hang', [{ hangMs: 30_000 }]);
    const started = Date.now();
    await expect(post('/hang', {}, 'k', AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    // the hanging 2xx was accepted on arrival (a lost response): the retry gets it replayed
    const retry = await post('/hang', {}, 'k');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect([...fixture.effectCounts().values()]).toEqual([1]);
  });
});

describe('fixture server close', () => {
  it('destroys hanging sockets instead of waiting for them', async () => {
    const server = await startFixtureServer();
    server.respond('/hang', { hangMs: 30_000 });
    const pending = fetch(`${server.url}/hang`).then(
      () => 'answered',
      () => 'failed',
    );
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe('failed');
  });
});
