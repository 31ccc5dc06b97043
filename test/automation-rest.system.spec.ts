import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { GATED_CALL } from './support/automations.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { OpenApiConformance } from './support/openapi-conformance.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { waitForRun } from './support/runs.js';

const SECRET = 'rest_only_s3cret_value';

describe.each(['sqlite', 'postgres'] as const)('admin REST for connectors, automations, runs and approvals on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  const tenant = `rest-${kind}`;
  let admin: string;
  let approver: string;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind);
    admin = h.issuer.mint({ tenantId: tenant, userId: 'root', scopes: ['connectors:admin', 'connectors:read', 'automations:admin'] });
    approver = h.issuer.mint({ tenantId: tenant, userId: 'bob', scopes: ['approvals:decide', 'runs:read'] });
  });
  afterAll(async () => {
    await h?.stop();
    await fixture?.close();
  });

  const call = async (method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string; wwwAuthenticate: string | null }> => {
    const response = await fetch(`${h.platform.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text, wwwAuthenticate: response.headers.get('www-authenticate') };
  };
  const events = (t = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: t }));
  const connectorConfig = (): Record<string, unknown> => ({ baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } });

  it('answers 401 without a token and 403 without the scope, on every endpoint', async () => {
    const endpoints: Array<[string, string, string, unknown]> = [
      ['GET', '/v1/connectors', 'connectors:read', undefined],
      ['PUT', '/v1/connectors/erp', 'connectors:admin', { config: connectorConfig() }],
      ['PUT', '/v1/connectors/erp/secret', 'connectors:admin', { secret: 'x' }],
      ['GET', '/v1/automations', 'automations:admin', undefined],
      ['POST', '/v1/automations', 'automations:admin', { definition: GATED_CALL }],
      ['GET', '/v1/approvals', 'approvals:decide', undefined],
      ['POST', '/v1/approvals/run-00000000-0000-7000-8000-000000000000.ask/decision', 'approvals:decide', { decision: 'approve', reason: 'x' }],
      ['GET', '/v1/runs/run-00000000-0000-7000-8000-000000000000', 'runs:read', undefined],
      ['POST', '/v1/runs/run-00000000-0000-7000-8000-000000000000/cancel', 'runs:cancel', { reason: 'x' }],
    ];
    const nobody = h.issuer.mint({ tenantId: tenant, userId: 'eve', scopes: ['memory:read'] });
    for (const [method, path, scope, body] of endpoints) {
      expect([method, path, (await call(method, path, undefined, body)).status]).toEqual([method, path, 401]);
      const refused = await call(method, path, nobody, body);
      expect([method, path, refused.status]).toEqual([method, path, 403]);
      expect(refused.wwwAuthenticate).toContain(`scope="${scope}"`);
    }
    expect(await events()).toEqual([]);
  });

  it('registers a connector and its secret, refusing bad input with typed errors and appending nothing then', async () => {
    for (const [path, body, code] of [
      ['/v1/connectors/erp', { config: { baseUrl: 'ftp://x', allowedHosts: [] } }, 'connector.invalid_config'],
      ['/v1/connectors/Bad%20Name', { config: connectorConfig() }, 'connector.invalid_name'],
      ['/v1/connectors/erp', { config: connectorConfig(), extra: 1 }, undefined],
      ['/v1/connectors/erp', { config: 'not an object' }, undefined],
      ['/v1/connectors/erp/secret', { secret: SECRET }, 'connector.not_found'],
      ['/v1/connectors/erp/secret', { secret: '' }, undefined],
    ] as const) {
      const refused = await call('PUT', path, admin, body);
      expect([path, refused.status]).toEqual([path, code === 'connector.not_found' ? 404 : 400]);
      if (code) expect(refused.body).toMatchObject({ error: { code } });
      expect(refused.text).not.toContain(SECRET);
    }
    expect(await events()).toEqual([]);

    expect(await call('PUT', '/v1/connectors/erp', admin, { description: 'ERP', config: connectorConfig() })).toMatchObject({ status: 200, body: { name: 'erp', created: true, changed: true } });
    const secret = await call('PUT', '/v1/connectors/erp/secret', admin, { secret: SECRET });
    expect(secret).toMatchObject({ status: 200, body: { name: 'erp', secretVersion: 1 } });
    expect(secret.text).not.toContain(SECRET);
    expect((await call('GET', '/v1/connectors', admin)).body).toEqual({ connectors: [expect.objectContaining({ name: 'erp', description: 'ERP', hasSecret: true })] });
    // One connector's configuration as registered, and the secret's version: never the secret.
    const one = await call('GET', '/v1/connectors/erp', admin);
    expect(one).toMatchObject({ status: 200, body: { name: 'erp', description: 'ERP', config: connectorConfig(), secretVersion: 1 } });
    expect(one.text).not.toContain(SECRET);
    expect((await call('GET', '/v1/connectors/Bad%20Name', admin)).body).toMatchObject({ error: { code: 'connector.invalid_name' } });
    expect(await call('GET', '/v1/connectors/nope', admin)).toMatchObject({ status: 404, body: { error: { code: 'connector.not_found' } } });
    const registered = (await events()).find((e) => e.type === 'ConnectorRegistered')!;
    expect(registered.metadata).toMatchObject({ userId: 'root', tool: 'rest:PUT /v1/connectors/:name' });
  });

  it('publishes automations, listing every problem of a bad one', async () => {
    const before = await events();
    const bad = await call('POST', '/v1/automations', admin, { definition: { ...GATED_CALL, steps: [{ id: 'x', type: 'call', connector: 'missing', request: { method: 'GET', path: '/' } }] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'automation.invalid', details: { issues: expect.arrayContaining([expect.objectContaining({ path: 'steps.0.connector' })]) } } });
    expect(await events()).toHaveLength(before.length);
    expect(await call('POST', '/v1/automations', admin, { definition: GATED_CALL })).toMatchObject({ status: 200, body: { name: 'gated_call', version: 1, changed: true } });
    expect((await call('GET', '/v1/automations', admin)).body).toEqual({ automations: [expect.objectContaining({ name: 'gated_call', version: 1, scope: 'automation:gated_call' })] });
  });

  it('decides approvals and reads and cancels runs, within the caller\'s tenant and rights', async () => {
    const openApi = await OpenApiConformance.load(h.platform.url);
    const agent = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] }));
    const { runId } = await callOk<{ runId: string }>(agent, 'gated_call', { ref: 'r1' });
    await waitForRun(agent, runId, (run) => run.approval?.status === 'pending');
    const approvalId = `${runId}.ask`;
    const waiting = await call('GET', `/v1/runs/${runId}`, approver);
    expect(waiting).toMatchObject({ status: 200, body: { runId, status: 'running', approval: { status: 'pending', decidedBy: null }, cancel: null } });
    openApi.check('/v1/runs/{runId}', 'get', 200, waiting.body);

    const pending = await call('GET', '/v1/approvals', approver);
    expect(pending.body).toEqual({ approvals: [expect.objectContaining({ approvalId, prompt: 'Call for r1?', requestedBy: 'alice' })], nextCursor: null });
    const self = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['approvals:decide'] });
    expect((await call('GET', '/v1/approvals', self)).body).toEqual({ approvals: [], nextCursor: null });
    expect(await call('POST', `/v1/approvals/${approvalId}/decision`, self, { decision: 'approve', reason: 'mine' })).toMatchObject({ status: 403, body: { error: { code: 'approval.self_decision' } } });
    expect((await call('POST', `/v1/approvals/${approvalId}/decision`, approver, { decision: 'maybe', reason: 'x' })).status).toBe(400);
    expect((await call('POST', `/v1/approvals/${approvalId}/decision`, approver, { decision: 'approve' })).status).toBe(400);
    expect((await call('POST', '/v1/approvals/not-an-id/decision', approver, { decision: 'approve', reason: 'x' })).status).toBe(400);
    const outsider = h.issuer.mint({ tenantId: `other-${kind}`, userId: 'mallory', scopes: ['approvals:decide', 'runs:read', 'runs:cancel', 'runs:admin', 'connectors:read', 'automations:admin'] });
    expect(await call('POST', `/v1/approvals/${approvalId}/decision`, outsider, { decision: 'approve', reason: 'x' })).toMatchObject({ status: 404, body: { error: { code: 'approval.not_found' } } });
    expect(await call('GET', `/v1/runs/${runId}`, outsider)).toMatchObject({ status: 404, body: { error: { code: 'run.not_found' } } });
    expect(await call('POST', `/v1/runs/${runId}/cancel`, outsider, { reason: 'x' })).toMatchObject({ status: 404 });
    expect((await call('GET', '/v1/approvals', outsider)).body).toEqual({ approvals: [], nextCursor: null });
    expect((await call('GET', '/v1/connectors', outsider)).body).toEqual({ connectors: [] });
    expect((await call('GET', '/v1/automations', outsider)).body).toEqual({ automations: [] });
    expect(await events(`other-${kind}`)).toEqual([]);

    const decided = await call('POST', `/v1/approvals/${approvalId}/decision`, approver, { decision: 'approve', reason: 'fine' });
    expect(decided).toMatchObject({ status: 200, body: { approvalId, runId, decision: 'approve' } });
    openApi.check('/v1/approvals/{approvalId}/decision', 'post', 200, decided.body);
    expect((await waitForRun(agent, runId)).status).toBe('completed');
    expect(fixture.requests.find((r) => r.path === '/orders/r1')!.headers.authorization).toBe(`Bearer ${SECRET}`);
    const completed = await call('GET', `/v1/runs/${runId}`, approver);
    expect(completed).toMatchObject({ status: 200, body: { runId, status: 'completed', approval: { decidedBy: 'bob', reason: 'fine' } } });
    openApi.check('/v1/runs/{runId}', 'get', 200, completed.body);
    expect((completed.body.steps as Array<{ output: unknown }>).some((step) => step.output !== null)).toBe(true);
    const stranger = h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['runs:read', 'runs:cancel'] });
    expect(await call('GET', `/v1/runs/${runId}`, stranger)).toMatchObject({ status: 403, body: { error: { code: 'run.not_yours' } } });
    expect((await call('POST', `/v1/runs/${runId}/cancel`, stranger, {})).status).toBe(400);
    const canceller = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['runs:cancel'] });
    expect(await call('POST', `/v1/runs/${runId}/cancel`, canceller, { reason: 'late' })).toMatchObject({ status: 409, body: { error: { code: 'run.finished' } } });

    // A run waiting for its approval is cancelled at once; the answer and the run read after match the document.
    const second = (await callOk<{ runId: string }>(agent, 'gated_call', { ref: 'r2' })).runId;
    await waitForRun(agent, second, (run) => run.approval?.status === 'pending');
    const cancelled = await call('POST', `/v1/runs/${second}/cancel`, canceller, { reason: 'not needed' });
    expect(cancelled).toMatchObject({ status: 200, body: { runId: second } });
    openApi.check('/v1/runs/{runId}/cancel', 'post', 200, cancelled.body);
    const afterCancel = await call('GET', `/v1/runs/${second}`, approver);
    expect(afterCancel.body).toMatchObject({ cancel: { reason: 'not needed', requestedBy: 'alice' } });
    openApi.check('/v1/runs/{runId}', 'get', 200, afterCancel.body);
    await agent.close();
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const document = (await (await fetch(`${h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/v1/connectors', '/v1/connectors/{name}', '/v1/connectors/{name}/secret', '/v1/automations', '/v1/approvals', '/v1/approvals/{approvalId}/decision', '/v1/runs/{runId}', '/v1/runs/{runId}/cancel',
    ]));
  });
});
