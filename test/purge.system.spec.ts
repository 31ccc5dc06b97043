import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { gunzipSync } from 'node:zlib';
import { TrustedKeys } from '#compliance';
import { findChainBreak } from '#event-store';
import { verifyBytes } from '../libs/compliance/src/export/testing/export-bytes.js';
import { ERASED, subjectRing } from '#keys';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { callOk, connect } from './support/mcp-session.js';
import { waitForRun } from './support/runs.js';
import { scanForSecret } from './support/secret-scan.js';

const run = promisify(execFile);
const MEMORY_SCOPES = ['memory:read', 'memory:write', 'memory:tenant'];
const RUN_SCOPES = ['automation:consult', 'runs:read'];
/** A run whose input is personal data: it waits at an approval whose prompt shows that data. */
const consult = {
  name: 'consult', title: 'Consult', description: 'Asks before following up.',
  inputSchema: { type: 'object', properties: { patient: { type: 'string' } }, required: ['patient'] },
  steps: [{ id: 'approve', type: 'approval', prompt: 'Follow up with {{input.patient}}?', timeoutSeconds: 600 }],
};

describe.each(['sqlite', 'postgres'] as const)('personal data sealed at rest and purged on request, on %s', (kind) => {
  let h: PlatformHarness;
  const tenant = `acme-${kind}`;
  const other = `globex-${kind}`;
  const plain = (who: string) => `${who}-medical-note-${randomBytes(6).toString('hex')}`;
  const aliceText = plain('alice');
  const bobText = plain('bob');
  const tenantText = plain('tenant');
  const aliceRunText = plain('alice-run');
  let runId: string;
  let approver: Client;
  let alice: Client;
  let bob: Client;
  const results: unknown[] = [];

  const purgeOverRest = (token: string, body: unknown) =>
    fetch(`${h.platform.url}/v1/compliance/purges`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const tenantEvents = (t = tenant) => collect(h.store.readAll({ tenantId: t }));
  const get = async (client: Client, key: string, scope: 'user' | 'tenant' = 'user') => {
    const result = await callOk<{ value: unknown }>(client, 'memory_get', { scope, namespace: 'health', key });
    results.push(result);
    return result.value;
  };
  const wrappedKeys = async (subject: string): Promise<string[]> => {
    const pattern = `${subjectRing(subject)}k%`;
    if (kind === 'sqlite') {
      const db = new BetterSqlite3(join(h.platform.dataDir, 'keys.db'), { readonly: true });
      try {
        return db.prepare('SELECT wrapped_key FROM ll_data_keys WHERE tenant_id = ? AND key_id LIKE ?').all(tenant, pattern).map((row) => (row as { wrapped_key: string }).wrapped_key);
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ wrapped_key: string }>('SELECT wrapped_key FROM ll_data_keys WHERE tenant_id = $1 AND key_id LIKE $2', [tenant, pattern])).rows.map((row) => row.wrapped_key);
    } finally {
      await client.end();
    }
  };
  /** The tenant's export over REST, verified against the published key; its lines with an `opened` form. */
  const exportOpened = async (): Promise<{ file: Buffer; opened: Array<{ streamId: string; opened: unknown }> }> => {
    const response = await fetch(`${h.platform.url}/v1/compliance/export`, { headers: { authorization: `Bearer ${h.issuer.mint({ tenantId: tenant, userId: 'dpo', scopes: ['compliance:export'] })}` } });
    expect(response.status).toBe(200);
    const file = Buffer.from(await response.arrayBuffer());
    const keys = TrustedKeys.parse(await (await fetch(`${h.platform.url}/.well-known/ledgerline-export-keys`)).text(), 'jwks');
    expect(await verifyBytes(file, keys)).toMatchObject({ ok: true });
    const lines = gunzipSync(file).toString('utf8').split('\n').filter((line) => line.includes('"opened"'));
    return { file, opened: lines.map((line) => JSON.parse(line) as { event: { streamId: string }; opened: unknown }).map(({ event, opened }) => ({ streamId: event.streamId, opened })) };
  };
  const scan = (text: string) => scanForSecret(text, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: results });

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    alice = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: [...MEMORY_SCOPES, ...RUN_SCOPES] }));
    approver = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['approvals:decide'] }));
    const admin = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'admin', scopes: ['automations:admin'] }));
    await callOk(admin, 'automation_publish', { definition: consult });
    await admin.close();
    bob = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'bob', scopes: MEMORY_SCOPES }));
    await callOk(alice, 'memory_put', { namespace: 'health', key: 'note', value: { text: aliceText } });
    await callOk(bob, 'memory_put', { namespace: 'health', key: 'note', value: { text: bobText } });
    await callOk(alice, 'memory_put', { scope: 'tenant', namespace: 'health', key: 'policy', value: tenantText });
    runId = (await callOk<{ runId: string }>(alice, 'consult', { patient: aliceRunText })).runId;
    await waitForRun(alice, runId, (run) => run.approval?.status === 'pending');
  });
  const prompts = async () => (await callOk<{ approvals: Array<{ runId: string; prompt: string }> }>(approver, 'approval_list')).approvals.filter((a) => a.runId === runId).map((a) => a.prompt);
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await approver?.close();
    await h?.stop();
  });

  it('keeps personal data sealed at rest: no plaintext in the log, the files or the tables, yet the owner reads it', async () => {
    expect(await get(alice, 'note')).toEqual({ text: aliceText });
    expect(await get(bob, 'note')).toEqual({ text: bobText });
    expect(await get(alice, 'policy', 'tenant')).toBe(tenantText);
    expect(await prompts()).toEqual([`Follow up with ${aliceRunText}?`]);
    results.length = 0; // the owners' own reads are the only place the plaintext may appear
    // The run's input and the prompt rendered from it are sealed too: in RunStarted, ApprovalRequested and the approvals view.
    for (const text of [aliceText, bobText, tenantText, aliceRunText]) expect(await scan(text)).toEqual([]);
  });

  it('refuses bad purge requests with a typed 400, a missing scope with 403, and appends or destroys nothing', async () => {
    const admin = h.issuer.mint({ tenantId: tenant, userId: 'dpo', scopes: ['compliance:purge'] });
    const before = (await tenantEvents()).length;
    for (const body of [{}, { subject: 'alice', wholeTenant: true }, { subject: 'has space' }, { subject: 42 }, { wholeTenant: 'yes' }, { subject: 'alice', wholeTenant: 'yes' }, { subject: 'alice', wholeTenant: null }]) {
      const response = await purgeOverRest(admin, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/^purge\./);
    }
    expect((await purgeOverRest(h.issuer.mint({ tenantId: tenant, userId: 'dpo', scopes: ['memory:read'] }), { subject: 'alice' })).status).toBe(403);
    expect(await tenantEvents()).toHaveLength(before);
    expect(await get(alice, 'note')).toEqual({ text: aliceText });
  });

  it('a purge in another tenant never touches this tenant, even for a user of the same id', async () => {
    const response = await purgeOverRest(h.issuer.mint({ tenantId: other, userId: 'dpo', scopes: ['compliance:purge'] }), { subject: 'alice' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tenantId: other, keysDestroyed: 0 });
    expect(await get(alice, 'note')).toEqual({ text: aliceText });
    expect((await tenantEvents()).some((event) => event.type.startsWith('Purge'))).toBe(false);
  });

  it('shreds one subject: their data reads as erased everywhere, the others\' stays, the chain still verifies', async () => {
    const aliceKeys = await wrappedKeys('alice');
    expect(aliceKeys).toHaveLength(1);
    expect(aliceKeys[0]!.length).toBeGreaterThan(20);
    const before = await exportOpened();
    expect(before.opened).toContainEqual({ streamId: 'memory:user:alice:health', opened: { key: 'note', value: { text: aliceText }, digest: expect.any(String) } });
    results.length = 0; // answers given before the purge held the plaintext, rightly
    const response = await purgeOverRest(h.issuer.mint({ tenantId: tenant, userId: 'dpo', scopes: ['compliance:purge'] }), { subject: 'alice' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tenantId: tenant, target: { kind: 'subject', subject: 'alice' }, keysDestroyed: 1 });

    expect(await get(alice, 'note')).toEqual(ERASED);
    expect(await get(bob, 'note')).toEqual({ text: bobText });
    expect(await get(alice, 'policy', 'tenant')).toBe(tenantText);

    const events = await tenantEvents();
    expect(findChainBreak(events)).toBeUndefined();
    expect(events.filter((event) => event.streamId === 'compliance:purges').map((event) => [event.type, event.data, event.metadata.userId])).toEqual([
      ['PurgeRequested', { target: { kind: 'subject', subject: 'alice' } }, 'dpo'],
      ['PurgeCompleted', { target: { kind: 'subject', subject: 'alice' }, keysDestroyed: 1 }, 'dpo'],
    ]);
    // Neither the plaintext nor the destroyed key is anywhere: files (with their WALs), tables, logs, answers.
    expect(await scan(aliceText)).toEqual([]);
    expect(await scan(aliceKeys[0]!)).toEqual([]);
    // Alice's run: its prompt reads as erased, and once approved it cannot go on with erased data.
    expect(await prompts()).toEqual([JSON.stringify(ERASED)]);
    const [approval] = (await callOk<{ approvals: Array<{ approvalId: string; runId: string }> }>(approver, 'approval_list')).approvals.filter((a) => a.runId === runId);
    await callOk(approver, 'approval_decide', { approvalId: approval!.approvalId, decision: 'approve', reason: 'ok' });
    expect(await waitForRun(alice, runId)).toMatchObject({ status: 'failed' });
    expect((await tenantEvents()).filter((event) => event.streamId === runId).at(-1)).toMatchObject({ type: 'RunFailed', data: { reason: 'personal_data_erased' } });
    expect(await scan(aliceRunText)).toEqual([]);
    // A later export still verifies, shows the marker where alice's data was, and bob's data as it is.
    const after = await exportOpened();
    expect(after.opened).toContainEqual({ streamId: 'memory:user:alice:health', opened: { key: 'note', value: ERASED, digest: expect.any(String) } });
    expect(after.opened).toContainEqual({ streamId: 'memory:user:bob:health', opened: { key: 'note', value: { text: bobText }, digest: expect.any(String) } });
    expect(after.file.toString('latin1')).not.toContain(aliceText);
    expect(gunzipSync(after.file).toString('utf8')).not.toContain(aliceText);
    expect(await wrappedKeys('alice')).toEqual(['']);
  });

  it('a new write of the purged subject gets a new key and reads back', async () => {
    await callOk(alice, 'memory_put', { namespace: 'health', key: 'fresh', value: 'after the purge' });
    expect(await get(alice, 'fresh')).toBe('after the purge');
    expect(await get(alice, 'note')).toEqual(ERASED);
  });

  it('a purge run by the CLI in another process is honoured by the running platform at once', async () => {
    const env = { PATH: process.env.PATH, LEDGERLINE_DATA_DIR: h.platform.dataDir, ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}) };
    const { stdout } = await run(process.execPath, ['dist/apps/cli/src/main.js', 'purge', '--tenant', tenant, '--subject', 'bob', '--yes', '--json', '--operator', 'ops:alice'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ tenantId: tenant, target: { kind: 'subject', subject: 'bob' }, keysDestroyed: 1 });
    // The platform had bob's key unwrapped in its cache: the PurgeCompleted event makes it forget.
    const deadline = Date.now() + 10_000;
    while (JSON.stringify(await get(bob, 'note')) !== JSON.stringify(ERASED) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await get(bob, 'note')).toEqual(ERASED);
    await expect(run(process.execPath, ['dist/apps/cli/src/main.js', 'purge', '--tenant', tenant, '--subject', 'bob'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
