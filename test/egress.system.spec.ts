import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { waitForRun } from './support/runs.js';

const fetchOrder = {
  name: 'fetch_order', title: 'Fetch an order', description: 'One call to the connector.',
  inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  steps: [{ id: 'get', type: 'call', connector: 'erp', request: { method: 'GET', path: '/orders/{{input.id}}' }, retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 } }],
};

/**
 * SSRF through connectors: a tenant's allow-list names hosts, but what those names (or IP
 * literals) reach is the operator's business. With no private network opened, a connector aimed
 * at loopback, the metadata service or a name resolving to either never gets a request out.
 */
describe.each(['sqlite', 'postgres'] as const)('connector egress to non-public addresses on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let agent: Client;
  const tenant = `acme-egress-${kind}`;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind, { LEDGERLINE_EGRESS_PRIVATE_NETWORKS: '' });
    admin = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'admin', scopes: ['connectors:admin', 'automations:admin'] }));
    agent = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'agent', scopes: ['automation:fetch_order', 'runs:read'] }));
    // Publishing checks the connector exists: register it first (aimed at a public name; each case re-aims it).
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: 'https://erp.example.com/api', allowedHosts: ['erp.example.com'] } });
    await callOk(admin, 'automation_publish', { definition: fetchOrder });
  });
  afterAll(async () => {
    await admin?.close();
    await agent?.close();
    await h?.stop();
    await fixture?.close();
  });

  it.each([
    ['loopback by IP literal', (port: string) => `127.0.0.1:${port}`],
    ['loopback by a name that resolves to it (DNS rebinding)', (port: string) => `localhost:${port}`],
    ['the cloud metadata service', () => '169.254.169.254'],
  ])('refuses %s: the run fails at once, typed, not retried, and nothing leaves', async (_what, hostOf) => {
    const host = hostOf(new URL(fixture.url).port);
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: `http://${host}/api`, allowedHosts: [host], timeoutMs: 1000 } });
    const before = fixture.requests.length;
    const { runId } = await callOk<{ runId: string }>(agent, 'fetch_order', { id: 'o-1' });
    const run = await waitForRun(agent, runId);
    expect(run).toMatchObject({ status: 'failed', lastError: expect.objectContaining({ code: 'step.not_retryable', message: expect.stringContaining('it is not a public address') }) });
    expect(run.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    const failed = (await h.store.readStream(tenant, runId)).find((event) => event.type === 'StepFailed');
    expect(failed?.data).toMatchObject({ code: 'connector.egress_refused', retryAt: null });
    expect(fixture.requests.length).toBe(before);
  });

  it('still refuses, at registration, a host the tenant did not allow-list', async () => {
    const port = new URL(fixture.url).port;
    expect(errorOf(await admin.callTool({ name: 'connector_register', arguments: { name: 'erp', config: { baseUrl: `http://127.0.0.1:${port}/api`, allowedHosts: ['erp.example.com'] } } })).code).toBe('connector.invalid_config');
  });
});
