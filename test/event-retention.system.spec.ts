import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ExportSigningKey, TrustedKeys, verifyExport } from '#compliance';
import { findChainBreak, PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { waitForRun } from './support/runs.js';

const DAY = 86_400_000;
const quickWait = {
  name: 'quick_wait', title: 'Quick wait', description: 'Waits a second.',
  inputSchema: { type: 'object', properties: {} },
  steps: [{ id: 'pause', type: 'wait', seconds: 1 }],
};
const oldRunId = (n: number) => `run-0195a0c0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const finishedLongAgo = (n: number): NewEvent[] => [
  { type: 'RunStarted', data: { runId: oldRunId(n), automation: 'quick_wait', version: 1, input: {}, startedBy: 'alice', startedAt: 0, deadlineAt: 1e13, stepIds: ['pause'], secretPins: {} }, metadata: { userId: 'alice' } },
  { type: 'RunCompleted', data: { outputs: {} }, metadata: { userId: 'alice' } },
];

describe.each(['sqlite', 'postgres'] as const)('event retention against the running platform on %s', (kind) => {
  let h: PlatformHarness;
  /** A second handle on the platform's store whose clock runs forty days behind: it writes runs that finished long ago. */
  let past: EventStore;
  let alice: Client;
  const tenant = `acme-${kind}`;
  const other = `globex-${kind}`;
  const admin = (t = tenant, scopes = ['compliance:admin']) => h.issuer.mint({ tenantId: t, userId: 'dpo', scopes });
  const retention = (token: string, body?: unknown) =>
    fetch(`${h.platform.url}/v1/compliance/retention`, body === undefined
      ? { headers: { authorization: `Bearer ${token}` } }
      : { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const events = (t = tenant) => collect(h.store.readAll({ tenantId: t }));
  const runList = async () => (await callOk<{ runs: Array<{ runId: string; status: string }> }>(alice, 'run_list')).runs;

  beforeAll(async () => {
    h = await startPlatformOn(kind, { LEDGERLINE_EVENT_ARCHIVE_SWEEP_MS: '300' });
    const clock = () => new Date(Date.now() - 40 * DAY);
    past = h.databaseUrl ? await PostgresEventStore.connect({ connectionString: h.databaseUrl, poolSize: 1, clock }) : SqliteEventStore.open({ path: join(h.platform.dataDir, 'events.db'), clock });
    const publisher = h.issuer.mint({ tenantId: tenant, userId: 'root', scopes: ['automations:admin'] });
    const published = await fetch(`${h.platform.url}/v1/automations`, { method: 'POST', headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition: quickWait }) });
    expect(published.status).toBe(200);
    for (const t of [tenant, other]) await past.append(t, oldRunId(1), 'no-stream', finishedLongAgo(1));
    alice = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['runs:read', 'automation:quick_wait'] }));
  });
  afterAll(async () => {
    await alice?.close();
    await past?.close();
    await h?.stop();
  });

  it('refuses bad retention values with a typed 400 and a missing scope with 403, appending nothing', async () => {
    const before = (await events()).length;
    for (const days of [0, -1, 1.5, '30', 36_501, undefined]) {
      const response = await retention(admin(), { days });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('retention.event_days');
    }
    expect((await retention(admin(tenant, ['compliance:export']), { days: 30 })).status).toBe(403);
    expect((await retention(admin(tenant, ['memory:admin']))).status).toBe(403);
    expect(await events()).toHaveLength(before);
  });

  it('a retention set in another tenant changes nothing here: its old run stays', async () => {
    const set = await retention(admin(other), { days: 30 });
    expect(await set.json()).toEqual({ tenantId: other, days: 30, changed: true });
    expect(await (await retention(admin())).json()).toEqual({ days: null });
    expect(await runList()).toEqual([expect.objectContaining({ runId: oldRunId(1), status: 'completed' })]);
  });

  it('archives a run finished long ago while the platform runs: it leaves run_list and the live store, into an archive that verifies; a new run works', async () => {
    expect(await (await retention(admin(), { days: 30 })).json()).toEqual({ tenantId: tenant, days: 30, changed: true });
    const deadline = Date.now() + 30_000;
    while ((await runList()).some((run) => run.runId === oldRunId(1)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await runList()).toEqual([]);
    expect(await h.store.readStream(tenant, oldRunId(1))).toEqual([]);
    const archived = (await events()).find((event) => event.type === 'StreamsArchived')!;
    expect(archived).toMatchObject({ streamId: 'compliance:archives', data: { streams: [oldRunId(1)], counts: { streams: 1, events: 2 }, retentionDays: 30 }, metadata: { userId: 'ledgerline:retention' } });
    expect(findChainBreak(await collect(h.store.readAll({ tenantId: tenant, withTombstones: true })))).toBeUndefined();

    const directory = join(h.platform.dataDir, 'archives', tenant);
    const [file] = readdirSync(directory);
    expect(file).toBe((archived.data as { fileName: string }).fileName);
    const key = ExportSigningKey.load({ dataDir: h.platform.dataDir }, { create: false });
    expect(await verifyExport(createReadStream(join(directory, file!)), TrustedKeys.of([key.publicKey]))).toMatchObject({ ok: true, events: 2 });

    // The other tenant's retention archives its own old run, into its own directory.
    while ((await h.store.readStream(other, oldRunId(1))).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await h.store.readStream(other, oldRunId(1))).toEqual([]);
    expect(existsSync(join(h.platform.dataDir, 'archives', other))).toBe(true);

    const started = await callOk<{ runId: string }>(alice, 'quick_wait', {});
    expect((await waitForRun(alice, started.runId)).status).toBe('completed');
    expect((await runList()).map((run) => run.runId)).toEqual([started.runId]);
  });
});
