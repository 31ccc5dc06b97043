import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';

const run = promisify(execFile);
const DAY = 86_400_000;

describe.each(['sqlite', 'postgres'] as const)('memory retention on %s', (kind) => {
  let h: PlatformHarness;
  /** A second handle on the platform's store whose clock runs ten days behind: it writes "old" memory. */
  let past: EventStore;
  let alice: Client;
  const tenant = `acme-${kind}`;
  const other = `globex-${kind}`;
  const admin = (t = tenant, scopes = ['memory:admin']) => h.issuer.mint({ tenantId: t, userId: 'admin', scopes });
  const setRetention = (token: string, body: unknown) =>
    fetch(`${h.platform.url}/v1/memory/retention`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const events = (t = tenant) => collect(h.store.readAll({ tenantId: t }));

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_MEMORY_EXPIRY_SWEEP_MS: '200' });
    const clock = () => new Date(Date.now() - 10 * DAY);
    past = h.databaseUrl ? await PostgresEventStore.connect({ connectionString: h.databaseUrl, poolSize: 1, clock }) : SqliteEventStore.open({ path: join(h.platform.dataDir, 'events.db'), clock });
    alice = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['memory:read', 'memory:write'] }));
    for (const t of [tenant, other]) await past.append(t, 'memory:user:alice:notes', 'no-stream', [{ type: 'MemoryItemPut', data: { key: 'old', value: 'ten days old' } }]);
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'fresh', value: 'today' });
  });
  afterAll(async () => {
    await alice?.close();
    await past?.close();
    await h?.stop();
  });

  it('refuses bad retention values with a typed 400 and a missing scope with 403, appending nothing', async () => {
    const before = (await events()).length;
    for (const days of [0, -1, 1.5, '7', 36_501, undefined]) {
      const response = await setRetention(admin(), { days });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('memory.retention_days');
    }
    expect((await setRetention(admin(tenant, ['memory:write']), { days: 7 })).status).toBe(403);
    expect(await events()).toHaveLength(before);
  });

  it('keeps memory forever without a retention, and a retention set in another tenant changes nothing here', async () => {
    expect((await setRetention(admin(other), { days: 7 })).status).toBe(200);
    expect(await callOk(alice, 'memory_get', { namespace: 'notes', key: 'old' })).toMatchObject({ value: 'ten days old' });
    const mine = await fetch(`${h.platform.url}/v1/memory/retention`, { headers: { authorization: `Bearer ${admin()}` } });
    expect(await mine.json()).toEqual({ days: null });
  });

  it('hides items past the retention at once, and the sweep expires them in the log; fresh items stay', async () => {
    const response = await setRetention(admin(), { days: 7 });
    expect(await response.json()).toEqual({ tenantId: tenant, days: 7, changed: true });
    expect(errorOf(await alice.callTool({ name: 'memory_get', arguments: { namespace: 'notes', key: 'old' } })).code).toBe('memory.not_found');
    expect(await callOk(alice, 'memory_list', { namespace: 'notes' })).toMatchObject({ keys: ['fresh'] });
    expect(await callOk(alice, 'memory_get', { namespace: 'notes', key: 'fresh' })).toMatchObject({ value: 'today' });

    const deadline = Date.now() + 15_000;
    const expiredIn = async (t: string) => (await events(t)).filter((event) => event.type === 'MemoryItemExpired');
    // The sweep visits the tenants one after the other: wait for both, not for the first one swept.
    while (((await expiredIn(tenant)).length === 0 || (await expiredIn(other)).length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await expiredIn(tenant)).map((event) => [event.streamId, event.data, event.metadata.userId])).toEqual([
      ['memory:user:alice:notes', { key: 'old', retentionDays: 7 }, 'ledgerline:retention'],
    ]);
    expect(await expiredIn(other)).toHaveLength(1);
    // The namespace's own state forgot the item too: putting it again is a change, not a no-op.
    expect(await callOk(alice, 'memory_put', { namespace: 'notes', key: 'old', value: 'ten days old' })).toMatchObject({ changed: true });
  });

  it('the CLI shows and sets the retention', async () => {
    const env = { PATH: process.env.PATH, LEDGERLINE_DATA_DIR: h.platform.dataDir, ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}) };
    const cli = async (...args: string[]) => JSON.parse((await run(process.execPath, ['dist/apps/cli/src/main.js', 'retention', '--tenant', tenant, '--json', ...args], { env })).stdout) as unknown;
    expect(await cli()).toEqual({ tenantId: tenant, days: 7, changed: false });
    expect(await cli('--memory-days', 'off')).toEqual({ tenantId: tenant, days: null, changed: true });
    await expect(run(process.execPath, ['dist/apps/cli/src/main.js', 'retention', '--tenant', tenant, '--memory-days', 'soon'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
