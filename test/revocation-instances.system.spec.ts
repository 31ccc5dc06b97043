import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '#event-store';
import { createTestDatabase } from '../libs/event-store/src/postgres/postgres-test-database.js';
import { addUser, authorize, exchangeCode, refresh, registerClient } from './support/oauth-flow.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import type { PlatformHarness } from './support/platform-harness.js';
import { freePort } from './support/processes.js';

const PASSWORD = 'two instances, one grant';

/**
 * Two API instances behind one public URL, on one PostgreSQL database: a flow may start on one
 * and finish on the other, and a grant revoked at one is refused by the other within a second.
 */
describe('delegation across two platform instances (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let a: PlatformProcess;
  let b: PlatformProcess;
  let store: PostgresEventStore;
  let publicUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-two-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const env = { DATABASE_URL: database.url, LEDGERLINE_EVENT_STORE: 'postgres', LEDGERLINE_MASTER_KEY: randomBytes(32).toString('base64'), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_PUBLIC_URL: publicUrl, LEDGERLINE_PG_POOL_SIZE: '4' };
    // A also carries runs and applies views (as a worker would); B serves the API only.
    a = await startPlatform({ ...env, LEDGERLINE_PORT: String(port) });
    b = await startPlatform({ ...env, LEDGERLINE_ROLE: 'api' });
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
    const harness = { platform: a, store, databaseUrl: database.url } as unknown as PlatformHarness;
    await addUser(harness, 'acme', 'alice', PASSWORD);
  });
  afterAll(async () => {
    await Promise.all([a, b].map((instance) => instance?.stop()));
    await store?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const listTools = async (instance: PlatformProcess, token: string): Promise<number> =>
    (await fetch(`${instance.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) })).status;

  it('serves the steps of one flow from either instance, and a revocation at one holds at the other within a second', async () => {
    const client = await registerClient(a.url);
    // Sign-in and consent on A, the code exchanged at B: the flow's state lives in the database.
    const { code, verifier } = await authorize(a.url, { clientId: client.client_id, scope: 'memory:read', tenant: 'acme', username: 'alice', password: PASSWORD });
    const tokens = await exchangeCode(b.url, client.client_id, code, verifier, undefined, `${publicUrl}/mcp`);
    expect(tokens.status).toBe(200);
    const accessToken = tokens.body.access_token!;
    expect(await listTools(a, accessToken)).toBe(200);
    expect(await listTools(b, accessToken)).toBe(200);

    const revoked = await fetch(`${b.url}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tokens.body.refresh_token!, client_id: client.client_id }).toString() });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    expect((await refresh(a.url, client.client_id, tokens.body.refresh_token!)).body.error).toBe('invalid_grant');
    let refusedAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - revokedAt < 3000) {
      if ((await listTools(a, accessToken)) === 401) {
        refusedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refusedAfter).toBeLessThan(1000);
    expect(await listTools(b, accessToken)).toBe(401);
  });
});
