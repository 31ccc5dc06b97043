import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { RecordedEvent } from '#event-store';
import { signed, validClaims } from '../libs/auth/src/testing/token-forge.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startDemoDownstream, type DemoDownstream } from './support/demo-downstream.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness, type StoreKind } from './support/platform-harness.js';
import { waitForRun, type RunView } from './support/runs.js';

const SECRET = 'sk_live_0b0_s3cret';
const ADMIN_SCOPES = ['connectors:admin', 'automations:admin'];
const AGENT_SCOPES = ['automation:order_for_me', 'runs:read'];

/** Orders at the ERP (the fixture: headers recorded), then books it at the ledger (the demo downstream: verifies, says whom it acted for). */
const orderForMe = {
  name: 'order_for_me',
  title: 'Order for me',
  description: 'Orders, then books the order, each as the person who asked.',
  inputSchema: { type: 'object', properties: { ref: { type: 'string' } }, required: ['ref'] },
  steps: [
    { id: 'order', type: 'call', connector: 'erp', request: { method: 'POST', path: '/orders/{{input.ref}}' }, retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 100 } },
    { id: 'book', type: 'call', connector: 'ledger', request: { method: 'POST', path: '/ledger', body: { ref: '{{input.ref}}' } } },
  ],
};

/** The agent's own token: an access token of this platform, for alice through client claude under a grant. */
function agentToken(h: PlatformHarness, tenantId: string): string {
  const claims = validClaims(h.issuer.issuer, h.issuer.audience, { sub: 'alice', tenant_id: tenantId, client_id: 'claude', grant_id: 'grant-alice-1', scope: AGENT_SCOPES.join(' ') });
  return signed(claims, h.issuer.verificationKey(), 'HS256');
}

const runEvents = async (h: PlatformHarness, tenantId: string, runId: string): Promise<RecordedEvent[]> =>
  (await collect(h.store.readAll({ tenantId }))).filter((event) => event.streamId === runId);

describe.each<StoreKind>(['sqlite', 'postgres'])('connector calls on behalf of the run starter, on %s', (kind) => {
  const tenant = `obo-${kind}`;
  let erp: FixtureServer;
  let ledger: DemoDownstream;
  let h: PlatformHarness;
  let admin: Client;
  let alice: Client;
  let aliceToken: string;

  beforeAll(async () => {
    erp = await startFixtureServer();
    // The platform signs with its authorization server's key and publishes it at /jwks: the ledger verifies against that.
    h = await startPlatformOn(kind);
    ledger = await startDemoDownstream({ DEMO_OBO_JWKS_URL: `${h.platform.url}/jwks`, DEMO_OBO_ISSUER: h.platform.url, DEMO_OBO_HEADER: 'Authorization' });
    admin = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'root', scopes: ADMIN_SCOPES }));
    aliceToken = agentToken(h, tenant);
    alice = await connect(h.platform, aliceToken);

    const erpConfig = { baseUrl: erp.url, allowedHosts: [new URL(erp.url).host], auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' }, onBehalfOf: { header: 'Ledgerline-On-Behalf-Of' } };
    await callOk(admin, 'connector_register', { name: 'erp', config: erpConfig });
    await callOk(admin, 'connector_secret_set', { name: 'erp', secret: SECRET });
    await callOk(admin, 'connector_register', { name: 'ledger', config: { baseUrl: ledger.url, allowedHosts: [new URL(ledger.url).host], onBehalfOf: { header: 'Authorization' } } });
    await callOk(admin, 'automation_publish', { definition: orderForMe });
  });
  afterAll(async () => {
    for (const client of [admin, alice]) await client?.close();
    await h?.stop();
    await ledger?.stop();
    await erp?.close();
  });

  const verify = (jwt: string, audience: string) => jwtVerify(jwt, createRemoteJWKSet(new URL(`${h.platform.url}/jwks`)), { issuer: h.platform.url, audience, typ: 'obo+jwt', algorithms: ['ES256'] });

  it('sends each downstream a fresh assertion naming the run starter, never the caller\'s token, and records on whose behalf', async () => {
    erp.script('/orders/o-1', [{ status: 503 }]);
    const { runId } = await callOk<{ runId: string }>(alice, 'order_for_me', { ref: 'o-1' });
    const run = await waitForRun(alice, runId);
    expect(run.status).toBe('completed');

    const attempts = erp.requests.filter((request) => request.path === '/orders/o-1');
    expect(attempts).toHaveLength(2);
    const verified = [];
    for (const attempt of attempts) {
      const jwt = attempt.headers['ledgerline-on-behalf-of']!;
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'obo+jwt' });
      const { payload } = await verify(jwt, erp.url);
      expect(payload).toEqual({
        iss: h.platform.url, sub: 'alice', aud: erp.url, tenant_id: tenant, client_id: 'claude', grant_id: 'grant-alice-1', scope: AGENT_SCOPES.join(' '),
        run_id: runId, step_id: 'order', iat: expect.any(Number), exp: payload.iat! + 60, jti: expect.any(String),
      });
      verified.push(payload);
      // The agent's bearer token reached the platform only: the downstream got the secret and the assertion, no Authorization.
      expect(attempt.headers['authorization']).toBeUndefined();
      expect(attempt.headers['x-api-key']).toBe(SECRET);
      expect(JSON.stringify(attempt.headers)).not.toContain(aliceToken);
    }
    expect(new Set(verified.map((payload) => payload.jti)).size).toBe(2);

    const book = run.steps.find((step) => step.id === 'book')!;
    expect(book.output).toMatchObject({ status: 200, body: { onBehalfOf: { sub: 'alice', tenant_id: tenant, run_id: runId } } });

    const events = await runEvents(h, tenant, runId);
    const onBehalfOf = events.filter((event) => ['StepFailed', 'StepSucceeded'].includes(event.type)).map((event) => [event.type, (event.data as { onBehalfOf?: unknown }).onBehalfOf]);
    const record = (audience: string, jti: unknown) => ({ userId: 'alice', clientId: 'claude', grantId: 'grant-alice-1', audience, jti });
    expect(onBehalfOf).toEqual([
      ['StepFailed', record(erp.url, verified[0]!.jti)],
      ['StepSucceeded', record(erp.url, verified[1]!.jti)],
      ['StepSucceeded', record(ledger.url, expect.any(String))],
    ]);
    for (const attempt of attempts) expect(JSON.stringify(events)).not.toContain(attempt.headers['ledgerline-on-behalf-of']);
  });
});

describe('a connector that asks for an assertion, on a platform with no signer bound', () => {
  const tenant = 'obo-unsigned';
  let erp: FixtureServer;
  let h: PlatformHarness;
  let admin: Client;
  let alice: Client;

  beforeAll(async () => {
    erp = await startFixtureServer();
    // Without the built-in authorization server there is no key to sign assertions with.
    h = await startPlatformOn('sqlite', { LEDGERLINE_AUTH_SERVER: 'off' });
    admin = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'root', scopes: ADMIN_SCOPES }));
    alice = await connect(h.platform, agentToken(h, tenant));
    await callOk(admin, 'connector_register', { name: 'erp', config: { baseUrl: erp.url, allowedHosts: [new URL(erp.url).host], onBehalfOf: { header: 'Authorization' } } });
    await callOk(admin, 'connector_register', { name: 'ledger', config: { baseUrl: erp.url, allowedHosts: [new URL(erp.url).host] } });
    await callOk(admin, 'automation_publish', { definition: orderForMe });
  });
  afterAll(async () => {
    for (const client of [admin, alice]) await client?.close();
    await h?.stop();
    await erp?.close();
  });

  it('fails the step at once, typed and not retried, without calling the connector', async () => {
    const { runId } = await callOk<{ runId: string }>(alice, 'order_for_me', { ref: 'o-2' });
    const run: RunView = await waitForRun(alice, runId);
    expect(run).toMatchObject({ status: 'failed', lastError: expect.objectContaining({ code: 'step.not_retryable' }) });
    expect(run.steps[0]).toMatchObject({ id: 'order', status: 'failed', attempts: 1 });
    expect(erp.requests).toHaveLength(0);
    const events = await runEvents(h, tenant, runId);
    expect(events.map((event) => event.type)).toEqual(['RunStarted', 'StepStarted', 'StepFailed', 'RunFailed']);
    expect(events[2]!.data).toMatchObject({ errorClass: 'refused', code: 'connector.on_behalf_of.unavailable', retryAt: null });
    expect(events[2]!.data).not.toHaveProperty('onBehalfOf');
  });
});
