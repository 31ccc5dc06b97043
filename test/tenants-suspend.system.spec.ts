import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { PLATFORM_TENANT } from '#tenants';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const CLI_MAIN = 'dist/apps/cli/src/main.js';
const SCOPES = ['memory:read', 'memory:write', 'audit:read'];

describe.each(['sqlite', 'postgres'] as const)('tenant suspension on %s (CLI process → running platform)', (kind) => {
  let h: PlatformHarness;
  let acme: string;
  let globex: string;

  /** The built CLI as its own process, on the platform's store. */
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { PATH: process.env.PATH ?? '', LEDGERLINE_DATA_DIR: h.platform.dataDir, ...(h.databaseUrl && { DATABASE_URL: h.databaseUrl }) };
      execFile(process.execPath, [CLI_MAIN, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
    });
  const mcpPut = (token: string, key: string) =>
    fetch(`${h.platform.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memory_put', arguments: { key, value: 1 } } }),
    });
  const restAudit = (token: string) => fetch(`${h.platform.url}/v1/audit?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
  const eventsOf = async (tenantId: string) => (await collect(h.store.readAll({ tenantId }))).length;
  /** Polls until the platform answers `status` (the platform follows the CLI's append within a second or two; the machine is shared). */
  async function until(status: number, call: () => Promise<Response>): Promise<Response> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await call();
      if (response.status === status || Date.now() > deadline) return response;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    acme = h.issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: SCOPES });
    globex = h.issuer.mint({ tenantId: 'globex', userId: 'gina', scopes: SCOPES });
    for (const [id, name] of [['acme', 'Acme'], ['globex', 'Globex']]) expect((await cli(['tenants', 'create', id!, '--name', name!])).code).toBe(0);
  });
  afterAll(async () => h?.stop());

  it("refuses a suspended tenant's tokens at /mcp and the REST API with 403 tenant.suspended, appending nothing, and accepts them after resume", async () => {
    const client = await connect(h.platform, acme);
    await callOk(client, 'memory_put', { key: 'before', value: 1 });
    await client.close();

    expect(await cli(['tenants', 'suspend', 'acme', '--reason', 'unpaid invoices'])).toMatchObject({ code: 0, stdout: 'suspended tenant acme\n' });
    const refused = await until(403, () => mcpPut(acme, 'while-suspended'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'tenant.suspended' } });
    const acmeEvents = await eventsOf('acme');

    const rest = await restAudit(acme);
    expect(rest.status).toBe(403);
    const body = await rest.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('tenant.suspended');
    expect(body.error.message).not.toContain('unpaid');
    await expect(connect(h.platform, acme)).rejects.toThrow(/tenant\.suspended/);
    expect((await mcpPut(acme, 'again')).status).toBe(403);
    expect(await eventsOf('acme')).toBe(acmeEvents);

    // Another tenant, and tenants the registry never heard of, are not affected.
    const other = await connect(h.platform, globex);
    await callOk(other, 'memory_put', { key: 'unaffected', value: 2 });
    await other.close();
    expect((await restAudit(globex)).status).toBe(200);
    expect((await restAudit(h.issuer.mint({ tenantId: 'unregistered', userId: 'u', scopes: SCOPES }))).status).toBe(200);

    expect(await cli(['tenants', 'resume', 'acme'])).toMatchObject({ code: 0 });
    expect((await until(200, () => restAudit(acme))).status).toBe(200);
    const back = await connect(h.platform, acme);
    await callOk(back, 'memory_put', { key: 'after', value: 3 });
    await back.close();
    expect(await eventsOf('acme')).toBe(acmeEvents + 1);
  });

  it('has REST twins for platform admins, with typed errors that append nothing', async () => {
    const admin = h.issuer.mint({ tenantId: 'ops', userId: 'root', scopes: ['platform:admin'] });
    const post = (path: string, token: string, body?: unknown) =>
      fetch(`${h.platform.url}/v1/tenants/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    const registry = async () => (await collect(h.store.readAll({ tenantId: PLATFORM_TENANT }))).length;
    const before = await registry();
    expect((await post('globex/suspend', acme, { reason: 'x' })).status).toBe(403);
    for (const [path, body, status, code] of [
      ['nobody/suspend', { reason: 'x' }, 404, 'tenant.not_found'],
      ['globex/resume', undefined, 409, 'tenant.not_suspended'],
      ['bad%20id/suspend', { reason: 'x' }, 400, 'store.invalid_tenant_id'],
    ] as const) {
      const response = await post(path, admin, body);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(await response.json()).toMatchObject({ error: { code } });
    }
    for (const body of [{}, { reason: '' }, { reason: 'x', extra: 1 }, { reason: 42 }]) expect((await post('globex/suspend', admin, body)).status).toBe(400);
    expect(await registry()).toBe(before);

    expect(await (await post('globex/suspend', admin, { reason: 'fraud check' })).json()).toEqual({ id: 'globex', status: 'suspended' });
    const listed = await (await fetch(`${h.platform.url}/v1/tenants`, { headers: { Authorization: `Bearer ${admin}` } })).json() as Array<Record<string, unknown>>;
    expect(listed.find((t) => t.id === 'globex')).toMatchObject({ status: 'suspended', reason: 'fraud check', suspendedAt: expect.any(String) });
    expect((await until(403, () => restAudit(globex))).status).toBe(403);
    expect(await (await post('globex/resume', admin)).json()).toEqual({ id: 'globex', status: 'active' });
    expect((await until(200, () => restAudit(globex))).status).toBe(200);
    expect((await cli(['tenants', 'list', '--json'])).stdout).toContain('"id":"globex","name":"Globex"');
  });
});
