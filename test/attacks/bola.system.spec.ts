import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { collect } from '../../libs/event-store/src/testing/event-store.contract.js';
import { GATED_CALL } from '../support/automations.js';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server.js';
import { callOk, connect, errorOf } from '../support/mcp-session.js';
import { addUser, authorize, claimsOf, exchangeCode, registerClient } from '../support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { rest, type RestAnswer } from '../support/rest.js';
import { waitForRun } from '../support/runs.js';

/**
 * Broken object-level authorization, table-driven. Tenant A owns one of everything (user and
 * tenant memory, connectors with secrets, an automation, a run parked at an approval, an export,
 * a purge, audit entries, a retention setting, a person's grant, a service principal). Tenant B
 * (whose user is also called alice) holds every scope but the platform operator's, and aims each
 * tool and each route at A's objects, by id or name, and with arguments naming A's tenant. B gets
 * not-found, forbidden, a typed refusal or its own data, and A's log does not move. A coverage
 * guard lists the tools of `tools/list` and the routes of the OpenAPI document: one without a
 * case here fails the suite.
 */
const A = 'acme';
const B = 'globex';
const A_SECRET = 'acme_erp_s3cret_never_leaks';
const NOTE = { text: 'acme alice private note' };
const POLICY = 'acme tenant-wide policy';
const AUTOMATION_TOOL = '<any automation tool of another tenant>';
const PASSWORD = 'correct horse battery staple';
/** A's policy (log-only): it forbids a tool no attack here calls in A, so A's calls are evaluated and allowed. */
const A_GUARD = 'forbid(principal, action, resource == Tool::"connector_secret_set") unless { principal.groups.contains("secops") };';

interface World {
  h: PlatformHarness;
  fixture: FixtureServer;
  /** B's user alice, every scope but platform:admin, plus A's automation's scope. */
  b: Client;
  bToken: string;
  /** A's objects. */
  runId: string;
  approvalId: string;
  aAdmin: Client;
  aAdminToken: string;
  /** Same tenant as A, other users: bob (memory), carol (runs), alice again (approvals). */
  bob: Client;
  bobToken: string;
  carol: Client;
  aliceApprover: Client;
  /** A's alice's grant to an agent, from the authorization server, and a service principal of A's. */
  aGrantId: string;
  aClientId: string;
  /** The token of the confirmation page A's alice was sent to for a memory_delete (2025-era: -32042). */
  aConfirmation: string;
}

type Attack = (w: World) => Promise<void>;
interface Case {
  /** A tool name, or `METHOD /openapi/path`. */
  target: string;
  attack: Attack;
}

const code = async (client: Client, name: string, args: Record<string, unknown>): Promise<string> => errorOf(await client.callTool({ name, arguments: args })).code;
const restOf = (w: World, method: string, path: string, body?: unknown): Promise<RestAnswer> => rest(w.h.platform.url, method, path, w.bToken, body);
const expectError = (answer: RestAnswer, status: number, errorCode: string): void => {
  expect({ status: answer.status, code: (answer.body.error as { code?: string } | undefined)?.code }).toEqual({ status, code: errorCode });
};
const noTenantAData = (text: string, w: World): void => {
  for (const marker of [A, w.runId, A_SECRET, NOTE.text, POLICY]) expect(text).not.toContain(marker);
};
/** The token of the confirmation page a 2025-era call of a sensitive tool is sent to (-32042), nothing done yet. */
const confirmationOf = async (client: Client, name: string, args: Record<string, unknown>): Promise<string> => {
  const refused = await client.callTool({ name, arguments: args }).then(() => undefined, (error: unknown) => error as { code?: number; data?: { elicitations?: Array<{ url: string }> } });
  expect(refused?.code).toBe(-32042);
  return new URL(refused!.data!.elicitations![0]!.url).pathname.split('/').pop()!;
};
/** The code a sensitive call answers once its caller confirmed it on the page (as that caller). */
const confirmedCode = async (w: World, client: Client, token: string, name: string, args: Record<string, unknown>): Promise<string> => {
  const confirmation = await confirmationOf(client, name, args);
  expect((await rest(w.h.platform.url, 'POST', `/v1/mcp/confirmations/${confirmation}`, token)).status).toBe(200);
  return code(client, name, args);
};
const publicRoute: Attack = async (w) => {
  const answer = await restOf(w, 'GET', '/.well-known/oauth-protected-resource');
  expect(answer.status).toBe(200);
  noTenantAData(answer.text, w);
};

/** Read-only cases first: they expect B to hold nothing yet. */
const CROSS_TENANT: Case[] = [
  { target: 'audit_query', attack: async (w) => {
    expect(await callOk(w.b, 'audit_query', {})).toEqual({ entries: [], nextCursor: null });
    expect(await callOk(w.b, 'audit_query', { streamId: w.runId, automation: 'gated_call' })).toEqual({ entries: [], nextCursor: null });
    expect(await code(w.b, 'audit_query', { tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/audit', attack: async (w) => {
    expect((await restOf(w, 'GET', `/v1/audit?streamId=${w.runId}`)).body).toEqual({ entries: [], nextCursor: null });
    expectError(await restOf(w, 'GET', `/v1/audit?tenantId=${A}`), 400, 'audit.invalid_filter');
  } },
  { target: 'memory_get', attack: async (w) => {
    expect(await code(w.b, 'memory_get', { scope: 'user', namespace: 'notes', key: 'k' })).toBe('memory.not_found');
    expect(await code(w.b, 'memory_get', { scope: 'tenant', namespace: 'policy', key: 'k' })).toBe('memory.not_found');
    expect(await code(w.b, 'memory_get', { scope: 'user', namespace: 'notes', key: 'k', tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'memory_list', attack: async (w) => {
    expect(await callOk(w.b, 'memory_list', { scope: 'user', namespace: 'notes' })).toMatchObject({ keys: [] });
    expect(await callOk(w.b, 'memory_list', { scope: 'tenant', namespace: 'policy' })).toMatchObject({ keys: [] });
  } },
  { target: 'memory_delete', attack: async (w) => {
    // memory_delete asks for a confirmation here: B is asked about B's own call, and confirming it finds B's nothing.
    for (const args of [{ scope: 'tenant', namespace: 'policy', key: 'k' }, { scope: 'user', namespace: 'notes', key: 'k' }]) {
      expect(await confirmedCode(w, w.b, w.bToken, 'memory_delete', args)).toBe('memory.not_found');
    }
  } },
  { target: 'GET /v1/mcp/confirmations/{token}', attack: async (w) => {
    expectError(await restOf(w, 'GET', `/v1/mcp/confirmations/${w.aConfirmation}`), 404, 'confirmation.not_found');
    expectError(await restOf(w, 'GET', `/v1/mcp/confirmations/${w.aConfirmation.slice(0, -8)}AAAAAAAA`), 400, 'confirmation.invalid');
  } },
  { target: 'GET /v1/mcp/confirmation-policy', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/mcp/confirmation-policy')).body).toEqual({ unconfirmableClients: 'refuse' });
  } },
  { target: 'connector_list', attack: async (w) => {
    expect(await callOk(w.b, 'connector_list', {})).toEqual({ connectors: [] });
  } },
  { target: 'GET /v1/connectors', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/connectors')).body).toEqual({ connectors: [] });
  } },
  { target: 'GET /v1/connectors/{name}', attack: async (w) => {
    expectError(await restOf(w, 'GET', '/v1/connectors/payroll'), 404, 'connector.not_found');
  } },
  { target: 'automation_list', attack: async (w) => {
    expect(await callOk(w.b, 'automation_list', {})).toEqual({ automations: [] });
  } },
  { target: 'GET /v1/automations', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/automations')).body).toEqual({ automations: [] });
  } },
  { target: 'GET /v1/automations/{name}', attack: async (w) => {
    expectError(await restOf(w, 'GET', '/v1/automations/gated_call'), 404, 'automation.not_found');
  } },
  { target: 'POST /v1/automations/{name}/dry-runs', attack: async (w) => {
    // B holds automation:gated_call, but the automation is A's: not found, and nothing of A's is planned or recorded.
    expectError(await restOf(w, 'POST', '/v1/automations/gated_call/dry-runs', { input: { ref: 'from-b' } }), 404, 'automation.not_found');
    expectError(await restOf(w, 'POST', '/v1/automations/gated_call/dry-runs', { input: { ref: 'from-b' }, tenantId: A }), 400, 'request.invalid');
  } },
  { target: 'automation_shadow_report', attack: async (w) => {
    // A's gated_call has a shadow version: B sees neither it nor its report.
    expect(await code(w.b, 'automation_shadow_report', { name: 'gated_call' })).toBe('automation.not_found');
    expect(await code(w.b, 'automation_shadow_report', { name: 'gated_call', tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/automations/{name}/shadow-report', attack: async (w) => {
    expectError(await restOf(w, 'GET', '/v1/automations/gated_call/shadow-report'), 404, 'automation.not_found');
  } },
  { target: 'automation_promote', attack: async (w) => {
    expect(await code(w.b, 'automation_promote', { name: 'gated_call', override: { reason: 'from b' } })).toBe('automation.not_found');
    expect(await code(w.b, 'automation_promote', { name: 'gated_call', tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'POST /v1/automations/{name}/promote', attack: async (w) => {
    expectError(await restOf(w, 'POST', '/v1/automations/gated_call/promote', { override: { reason: 'from b' } }), 404, 'automation.not_found');
    expectError(await restOf(w, 'POST', '/v1/automations/gated_call/promote', { tenantId: A }), 400, 'request.invalid');
  } },
  { target: 'run_get', attack: async (w) => {
    expect(await code(w.b, 'run_get', { runId: w.runId })).toBe('run.not_found');
  } },
  { target: 'GET /v1/runs/{runId}', attack: async (w) => {
    expectError(await restOf(w, 'GET', `/v1/runs/${w.runId}`), 404, 'run.not_found');
  } },
  { target: 'GET /v1/runs/{runId}/events', attack: async (w) => {
    expectError(await restOf(w, 'GET', `/v1/runs/${w.runId}/events`), 404, 'run.not_found');
  } },
  { target: 'GET /v1/runs', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/runs?allUsers=true&requester=alice&automation=gated_call')).body).toEqual({ runs: [], nextCursor: null });
    expect((await restOf(w, 'GET', '/v1/runs')).body).toEqual({ runs: [], nextCursor: null });
    expectError(await restOf(w, 'GET', `/v1/runs?tenantId=${A}`), 400, 'run.invalid_filter');
  } },
  { target: 'run_list', attack: async (w) => {
    expect(await callOk(w.b, 'run_list', { allUsers: true })).toEqual({ runs: [], nextCursor: null });
    expect(await callOk(w.b, 'run_list', {})).toEqual({ runs: [], nextCursor: null });
  } },
  { target: 'approval_list', attack: async (w) => {
    expect(await callOk(w.b, 'approval_list', {})).toEqual({ approvals: [], nextCursor: null });
  } },
  { target: 'GET /v1/approvals', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/approvals')).body).toEqual({ approvals: [], nextCursor: null });
  } },
  { target: 'GET /v1/compliance/retention', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/compliance/retention')).body).toMatchObject({ days: null });
  } },
  { target: 'GET /v1/memory/retention', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/memory/retention')).body).toEqual({ days: null });
  } },
  { target: 'grant_list', attack: async (w) => {
    expect(await callOk(w.b, 'grant_list', {})).toEqual({ grants: [], nextCursor: null });
    expect(await code(w.b, 'grant_list', { tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/grants', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/grants')).body).toEqual({ grants: [], nextCursor: null });
    expectError(await restOf(w, 'GET', `/v1/grants?tenantId=${A}`), 400, 'identity.grant.invalid_filter');
  } },
  { target: 'GET /v1/admin/grants', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/admin/grants?user=alice')).body).toEqual({ grants: [], nextCursor: null });
    expectError(await restOf(w, 'GET', `/v1/admin/grants?tenant=${A}`), 400, 'identity.grant.invalid_filter');
  } },
  { target: 'GET /v1/admin/clients', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/admin/clients')).body).toEqual({ clients: [] });
  } },
  { target: AUTOMATION_TOOL, attack: async (w) => {
    // B even holds the scope A's automation tool asks for: the tool is A's, so for B it does not exist.
    expect((await w.b.listTools()).tools.map((tool) => tool.name)).not.toContain('gated_call');
    expect(await code(w.b, 'gated_call', { ref: 'from-b' })).toBe('tool.unknown');
    expect(await code(w.b, 'gated_call', { ref: 'from-b', dryRun: true })).toBe('tool.unknown');
  } },
  { target: 'GET /healthz', attack: publicRoute },
  { target: 'GET /readyz', attack: async (w) => {
    const answer = await restOf(w, 'GET', '/readyz');
    expect(answer.status).toBe(200);
    noTenantAData(answer.text, w);
  } },
  { target: 'GET /.well-known/oauth-protected-resource', attack: publicRoute },
  { target: 'GET /.well-known/oauth-protected-resource/mcp', attack: publicRoute },
  { target: 'GET /.well-known/ledgerline-export-keys', attack: async (w) => {
    const answer = await restOf(w, 'GET', '/.well-known/ledgerline-export-keys');
    expect(answer.status).toBe(200);
    noTenantAData(answer.text, w);
  } },
  // From here on B writes, into its own tenant only.
  { target: 'run_cancel', attack: async (w) => {
    expect(await code(w.b, 'run_cancel', { runId: w.runId, reason: 'hostile' })).toBe('run.not_found');
  } },
  { target: 'POST /v1/runs/{runId}/cancel', attack: async (w) => {
    expectError(await restOf(w, 'POST', `/v1/runs/${w.runId}/cancel`, { reason: 'hostile' }), 404, 'run.not_found');
  } },
  { target: 'approval_decide', attack: async (w) => {
    expect(await code(w.b, 'approval_decide', { approvalId: w.approvalId, decision: 'approve', reason: 'hostile' })).toBe('approval.not_found');
  } },
  { target: 'POST /v1/approvals/{approvalId}/decision', attack: async (w) => {
    expectError(await restOf(w, 'POST', `/v1/approvals/${w.approvalId}/decision`, { decision: 'approve', reason: 'hostile' }), 404, 'approval.not_found');
  } },
  { target: 'grant_revoke', attack: async (w) => {
    expect(await code(w.b, 'grant_revoke', { grantId: w.aGrantId })).toBe('identity.grant.not_found');
  } },
  { target: 'DELETE /v1/grants/{id}', attack: async (w) => {
    expectError(await restOf(w, 'DELETE', `/v1/grants/${w.aGrantId}`), 404, 'identity.grant.not_found');
  } },
  { target: 'DELETE /v1/admin/grants/{id}', attack: async (w) => {
    expectError(await restOf(w, 'DELETE', `/v1/admin/grants/${w.aGrantId}`), 404, 'identity.grant.not_found');
  } },
  { target: 'POST /v1/admin/clients/{clientId}/disable', attack: async (w) => {
    expectError(await restOf(w, 'POST', `/v1/admin/clients/${w.aClientId}/disable`, { reason: 'hostile' }), 404, 'identity.client.not_found');
  } },
  { target: 'POST /v1/admin/clients', attack: async (w) => {
    expectError(await restOf(w, 'POST', '/v1/admin/clients', { name: 'x', kind: 'service', scopes: ['memory:read'], tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'POST', '/v1/admin/clients', { name: 'B robot', kind: 'service', scopes: ['memory:read'] })).body).toMatchObject({ tenantId: B, kind: 'service' });
  } },
  { target: 'connector_secret_set', attack: async (w) => {
    expect(await code(w.b, 'connector_secret_set', { name: 'payroll', secret: 'b-secret' })).toBe('connector.not_found');
    expect(await code(w.b, 'connector_secret_set', { name: 'payroll', secret: 'b-secret', tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'PUT /v1/connectors/{name}/secret', attack: async (w) => {
    expectError(await restOf(w, 'PUT', '/v1/connectors/payroll/secret', { secret: 'b-secret' }), 404, 'connector.not_found');
  } },
  { target: 'memory_put', attack: async (w) => {
    expect(await code(w.b, 'memory_put', { scope: 'user', namespace: 'notes', key: 'k', value: 'b', tenantId: A })).toBe('tool.invalid_arguments');
    expect(await callOk(w.b, 'memory_put', { scope: 'user', namespace: 'notes', key: 'k', value: 'globex alice' })).toMatchObject({ changed: true, streamVersion: 1 });
    expect(await callOk(w.b, 'memory_get', { scope: 'user', namespace: 'notes', key: 'k' })).toMatchObject({ value: 'globex alice' });
  } },
  { target: 'connector_register', attack: async (w) => {
    const config = { baseUrl: w.fixture.url, allowedHosts: [new URL(w.fixture.url).host] };
    expect(await code(w.b, 'connector_register', { name: 'erp', config, tenantId: A })).toBe('tool.invalid_arguments');
    // The same name as A's connector is B's own connector, created afresh.
    expect(await callOk(w.b, 'connector_register', { name: 'erp', config })).toEqual({ name: 'erp', created: true, changed: true });
  } },
  { target: 'PUT /v1/connectors/{name}', attack: async (w) => {
    const config = { baseUrl: w.fixture.url, allowedHosts: [new URL(w.fixture.url).host] };
    expectError(await restOf(w, 'PUT', '/v1/connectors/ledger', { config, tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'PUT', '/v1/connectors/ledger', { config })).body).toEqual({ name: 'ledger', created: true, changed: true });
  } },
  { target: 'automation_publish', attack: async (w) => {
    // payroll is A's connector only: B's automation cannot name it.
    const usesA = { ...GATED_CALL, steps: [GATED_CALL.steps[0], { ...GATED_CALL.steps[1], connector: 'payroll' }] };
    expect(errorOf(await w.b.callTool({ name: 'automation_publish', arguments: { definition: usesA } }))).toMatchObject({ code: 'automation.invalid', details: { issues: [expect.objectContaining({ path: 'steps.1.connector' })] } });
    expect(await code(w.b, 'automation_publish', { definition: GATED_CALL, tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'POST /v1/automations', attack: async (w) => {
    const usesA = { ...GATED_CALL, steps: [GATED_CALL.steps[0], { ...GATED_CALL.steps[1], connector: 'payroll' }] };
    expectError(await restOf(w, 'POST', '/v1/automations', { definition: usesA }), 400, 'automation.invalid');
    expectError(await restOf(w, 'POST', '/v1/automations', { definition: GATED_CALL, tenantId: A }), 400, 'request.invalid');
  } },
  { target: 'PUT /v1/compliance/retention', attack: async (w) => {
    expectError(await restOf(w, 'PUT', '/v1/compliance/retention', { days: 1, tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'PUT', '/v1/compliance/retention', { days: 3650 })).body).toMatchObject({ days: 3650 });
  } },
  { target: 'POST /v1/mcp/confirmations/{token}', attack: async (w) => {
    expectError(await restOf(w, 'POST', `/v1/mcp/confirmations/${w.aConfirmation}`), 404, 'confirmation.not_found');
  } },
  { target: 'PUT /v1/mcp/confirmation-policy', attack: async (w) => {
    expectError(await restOf(w, 'PUT', '/v1/mcp/confirmation-policy', { unconfirmableClients: 'allow', tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'PUT', '/v1/mcp/confirmation-policy', { unconfirmableClients: 'allow' })).body).toEqual({ unconfirmableClients: 'allow', changed: true });
  } },
  { target: 'PUT /v1/memory/retention', attack: async (w) => {
    expectError(await restOf(w, 'PUT', '/v1/memory/retention', { days: 1, tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'PUT', '/v1/memory/retention', { days: 7 })).body).toMatchObject({ days: 7 });
  } },
  { target: 'GET /v1/compliance/export', attack: async (w) => {
    expectError(await restOf(w, 'GET', `/v1/compliance/export?tenantId=${A}`), 400, 'compliance.export.invalid_query');
    const response = await fetch(`${w.h.platform.url}/v1/compliance/export`, { headers: { Authorization: `Bearer ${w.bToken}` } });
    expect(response.status).toBe(200);
    const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(text).toContain(`"${B}"`);
    noTenantAData(text, w);
  } },
  { target: 'POST /v1/compliance/purges', attack: async (w) => {
    expectError(await restOf(w, 'POST', '/v1/compliance/purges', { subject: 'alice', tenantId: A }), 400, 'request.invalid');
    // B's alice, never A's alice of the same id.
    expect((await restOf(w, 'POST', '/v1/compliance/purges', { subject: 'alice' })).body).toMatchObject({ tenantId: B, target: { kind: 'subject', subject: 'alice' } });
  } },
  // A's policy a_guard (log-only): B neither sees, reports on, switches nor removes it; B's policy of that name is B's own.
  { target: 'policy_list', attack: async (w) => {
    expect(await callOk(w.b, 'policy_list', {})).toEqual({ policies: [] });
    expect(await code(w.b, 'policy_list', { tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/policies', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/policies')).body).toEqual({ policies: [] });
  } },
  { target: 'policy_report', attack: async (w) => {
    expect(await callOk(w.b, 'policy_report', { policy: 'a_guard' })).toEqual({ since: null, evaluations: [], policies: [] });
    expect(await code(w.b, 'policy_report', { tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/policy-report', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/policy-report?policy=a_guard')).body).toEqual({ since: null, evaluations: [], policies: [] });
    expectError(await restOf(w, 'GET', `/v1/policy-report?tenantId=${A}`), 400, 'policy.invalid_report_query');
  } },
  { target: 'policy_mode_set', attack: async (w) => {
    expect(await code(w.b, 'policy_mode_set', { name: 'a_guard', mode: 'enforce' })).toBe('policy.not_found');
  } },
  { target: 'POST /v1/policies/{name}/mode', attack: async (w) => {
    expectError(await restOf(w, 'POST', '/v1/policies/a_guard/mode', { mode: 'enforce' }), 404, 'policy.not_found');
  } },
  { target: 'policy_remove', attack: async (w) => {
    expect(await code(w.b, 'policy_remove', { name: 'a_guard' })).toBe('policy.not_found');
  } },
  { target: 'DELETE /v1/policies/{name}', attack: async (w) => {
    expectError(await restOf(w, 'DELETE', '/v1/policies/a_guard'), 404, 'policy.not_found');
  } },
  { target: 'policy_publish', attack: async (w) => {
    expect(await code(w.b, 'policy_publish', { name: 'a_guard', text: A_GUARD, tenantId: A })).toBe('tool.invalid_arguments');
    expect(await callOk(w.b, 'policy_publish', { name: 'a_guard', text: A_GUARD, mode: 'log-only' })).toEqual({ name: 'a_guard', version: 1, mode: 'log-only', changed: true });
    expect(await callOk(w.b, 'policy_remove', { name: 'a_guard' })).toEqual({ name: 'a_guard', removed: true });
  } },
  { target: 'POST /v1/policies', attack: async (w) => {
    expectError(await restOf(w, 'POST', '/v1/policies', { name: 'a_guard', text: A_GUARD, tenantId: A }), 400, 'request.invalid');
    // Version 2 of B's own a_guard (policy_publish's case made and removed version 1): A's never counts.
    expect((await restOf(w, 'POST', '/v1/policies', { name: 'a_guard', text: A_GUARD })).body).toEqual({ name: 'a_guard', version: 2, mode: 'log-only', changed: true });
    expect((await restOf(w, 'DELETE', '/v1/policies/a_guard')).body).toEqual({ name: 'a_guard', removed: true });
  } },
  // A's approver group a_approvers: B neither sees nor changes it; B's group of that name is B's own, and gives no one a say in A's approvals.
  { target: 'group_list', attack: async (w) => {
    expect(await callOk(w.b, 'group_list', {})).toEqual({ groups: [] });
    expect(await code(w.b, 'group_list', { tenantId: A })).toBe('tool.invalid_arguments');
  } },
  { target: 'GET /v1/groups', attack: async (w) => {
    expect((await restOf(w, 'GET', '/v1/groups')).body).toEqual({ groups: [] });
  } },
  { target: 'group_set', attack: async (w) => {
    expect(await code(w.b, 'group_set', { group: 'a_approvers', members: ['alice'], tenantId: A })).toBe('tool.invalid_arguments');
    expect(await callOk(w.b, 'group_set', { group: 'a_approvers', members: ['mallory'] })).toEqual({ group: 'a_approvers', members: ['mallory'], changed: true });
    expect(await callOk(w.b, 'group_list', {})).toEqual({ groups: [{ group: 'a_approvers', members: ['mallory'] }] });
    expect(await callOk(w.b, 'group_set', { group: 'a_approvers', members: [] })).toMatchObject({ changed: true });
  } },
  { target: 'PUT /v1/groups/{group}', attack: async (w) => {
    expectError(await restOf(w, 'PUT', '/v1/groups/a_approvers', { members: ['alice'], tenantId: A }), 400, 'request.invalid');
    expect((await restOf(w, 'PUT', '/v1/groups/a_approvers', { members: ['alice'] })).body).toEqual({ group: 'a_approvers', members: ['alice'], changed: true });
    // B's alice on B's a_approvers: A's approval is still not B's to see or decide.
    expect(await callOk(w.b, 'approval_list', {})).toEqual({ approvals: [], nextCursor: null });
    expect(await code(w.b, 'approval_decide', { approvalId: w.approvalId, decision: 'approve', reason: 'my group' })).toBe('approval.not_found');
    expect((await restOf(w, 'PUT', '/v1/groups/a_approvers', { members: [] })).body).toMatchObject({ changed: true });
  } },
  // The tenant registry and the platform's operations are the platform operator's (scope platform:admin), never a tenant's.
  ...[
    ['POST', '/v1/tenants', { id: 'stolen', name: 'x' }], ['GET', '/v1/tenants', undefined], ['POST', '/v1/tenants/{id}/suspend', { reason: 'hostile' }], ['POST', '/v1/tenants/{id}/resume', undefined],
    ['GET', '/v1/admin/projections', undefined], ['GET', '/v1/admin/instances', undefined], ['GET', '/v1/admin/dead-letters', undefined], ['GET', '/v1/admin/kafka/lag', undefined],
    ['POST', '/v1/admin/dead-letters/redrive', { all: true }],
  ].map(
    ([method, path, body]) => ({
      target: `${String(method)} ${String(path)}`,
      attack: async (w: World) => {
        const answer = await restOf(w, String(method), String(path).replace('{id}', A), body);
        expect(answer.status).toBe(403);
        expect(answer.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
        noTenantAData(answer.text, w);
      },
    }),
  ),
];

/** Within A: objects that belong to one user are out of reach of the others (DESIGN: per-user memory, "my runs", no self-approval). */
const CROSS_USER: Array<[string, Attack]> = [
  ["bob cannot read, list or delete alice's user memory, and his put is his own", async (w) => {
    expect(await code(w.bob, 'memory_get', { scope: 'user', namespace: 'notes', key: 'k' })).toBe('memory.not_found');
    expect(await callOk(w.bob, 'memory_list', { scope: 'user', namespace: 'notes' })).toMatchObject({ keys: [] });
    expect(await confirmedCode(w, w.bob, w.bobToken, 'memory_delete', { scope: 'user', namespace: 'notes', key: 'k' })).toBe('memory.not_found');
  }],
  ['tenant-wide memory needs its own scope', async (w) => {
    expect(await code(w.bob, 'memory_get', { scope: 'tenant', namespace: 'policy', key: 'k' })).toBe('auth.insufficient_scope');
    // Asked to confirm first (the tool's own checks run once the call may run), then refused all the same.
    expect(await confirmedCode(w, w.bob, w.bobToken, 'memory_delete', { scope: 'tenant', namespace: 'policy', key: 'k' })).toBe('auth.insufficient_scope');
  }],
  ["carol can neither read, list nor cancel alice's run", async (w) => {
    expect(await code(w.carol, 'run_get', { runId: w.runId })).toBe('run.not_yours');
    expect(await code(w.carol, 'run_cancel', { runId: w.runId, reason: 'not mine' })).toBe('run.not_yours');
    expect(await callOk(w.carol, 'run_list', {})).toEqual({ runs: [], nextCursor: null });
    expect(await code(w.carol, 'run_list', { allUsers: true })).toBe('run.list_all_needs_admin');
    expect(await code(w.carol, 'run_list', { allUsers: false, requester: 'alice' })).toBe('run.invalid_filter');
  }],
  ['alice neither sees nor decides the approval of her own run', async (w) => {
    expect(await callOk(w.aliceApprover, 'approval_list', {})).toEqual({ approvals: [], nextCursor: null });
    expect(await code(w.aliceApprover, 'approval_decide', { approvalId: w.approvalId, decision: 'approve', reason: 'mine' })).toBe('approval.self_decision');
  }],
];

describe.each(['sqlite', 'postgres'] as const)('broken object-level authorization on %s', (kind) => {
  const w = {} as World;
  let alice: Client;
  let scopes: string[];
  const aLog = (): Promise<number> => w.h.store.committedPosition(A);

  beforeAll(async () => {
    w.fixture = await startFixtureServer();
    // memory_delete asks for a confirmation (a page of A's for B to aim at); the setup's other tools do not.
    w.h = await startPlatformOn(kind, { LEDGERLINE_MCP_CONFIRM_TOOLS: 'memory_delete' });
    const { h } = w;
    const metadata = (await (await fetch(`${h.platform.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] };
    scopes = metadata.scopes_supported;
    const mint = (tenantId: string, userId: string, granted: string[]): string => h.issuer.mint({ tenantId, userId, scopes: granted });
    w.aAdminToken = mint(A, 'root', [...scopes, 'automation:gated_call']);
    w.aAdmin = await connect(h.platform, w.aAdminToken);
    alice = await connect(h.platform, mint(A, 'alice', ['memory:read', 'memory:write', 'memory:tenant', 'automation:gated_call', 'runs:read']));
    w.bToken = mint(B, 'alice', [...scopes.filter((scope) => scope !== 'platform:admin'), 'automation:gated_call']);
    w.b = await connect(h.platform, w.bToken);
    w.bobToken = mint(A, 'bob', ['memory:read', 'memory:write']);
    w.bob = await connect(h.platform, w.bobToken);
    w.carol = await connect(h.platform, mint(A, 'carol', ['runs:read', 'runs:cancel']));
    w.aliceApprover = await connect(h.platform, mint(A, 'alice', ['approvals:decide']));

    await callOk(alice, 'memory_put', { scope: 'user', namespace: 'notes', key: 'k', value: NOTE });
    await callOk(alice, 'memory_put', { scope: 'tenant', namespace: 'policy', key: 'k', value: POLICY });
    w.aConfirmation = await confirmationOf(alice, 'memory_delete', { scope: 'user', namespace: 'notes', key: 'k' });
    const config = { baseUrl: w.fixture.url, allowedHosts: [new URL(w.fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } };
    for (const name of ['erp', 'ledger', 'payroll']) {
      await callOk(w.aAdmin, 'connector_register', { name, config });
      await callOk(w.aAdmin, 'connector_secret_set', { name, secret: A_SECRET });
    }
    await callOk(w.aAdmin, 'automation_publish', { definition: GATED_CALL });
    await callOk(w.aAdmin, 'automation_publish', { definition: { ...GATED_CALL, description: `${GATED_CALL.description} (shadow)` }, inShadow: true });
    await callOk(w.aAdmin, 'policy_publish', { name: 'a_guard', text: A_GUARD, mode: 'log-only' });
    await callOk(w.aAdmin, 'group_set', { group: 'a_approvers', members: ['carol'] });
    w.runId = (await callOk<{ runId: string }>(alice, 'gated_call', { ref: 'a-1' })).runId;
    await waitForRun(alice, w.runId, (run) => run.approval?.status === 'pending');
    w.approvalId = `${w.runId}.ask`;
    expect((await rest(h.platform.url, 'PUT', '/v1/memory/retention', w.aAdminToken, { days: 30 })).status).toBe(200);
    expect((await rest(h.platform.url, 'PUT', '/v1/compliance/retention', w.aAdminToken, { days: 400 })).status).toBe(200);
    const exported = await fetch(`${h.platform.url}/v1/compliance/export`, { headers: { Authorization: `Bearer ${w.aAdminToken}` } });
    expect(exported.status).toBe(200);
    await exported.arrayBuffer();
    // The export appends its completion after the download ended: A's log is still only once that is in.
    for (let waited = 0; !(await collect(h.store.readAll({ tenantId: A }))).some((event) => event.type === 'ExportCompleted'); waited += 50) {
      if (waited > 10_000) throw new Error('the export of A never completed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await rest(h.platform.url, 'POST', '/v1/compliance/purges', w.aAdminToken, { subject: 'zed' })).status).toBe(200);
    await addUser(h, A, 'alice', PASSWORD);
    const agent = (await registerClient(h.platform.url)).client_id;
    const { code: authorizationCode, verifier } = await authorize(h.platform.url, { clientId: agent, scope: 'memory:read', tenant: A, username: 'alice', password: PASSWORD });
    w.aGrantId = String(claimsOf((await exchangeCode(h.platform.url, agent, authorizationCode, verifier)).body.access_token!).grant_id);
    w.aClientId = String((await rest(h.platform.url, 'POST', '/v1/admin/clients', w.aAdminToken, { name: 'A robot', kind: 'service', scopes: ['memory:read'] })).body.clientId);
  });
  afterAll(async () => {
    for (const client of [w.aAdmin, alice, w.b, w.bob, w.carol, w.aliceApprover]) await client?.close();
    await w.h?.stop();
    await w.fixture?.close();
  });

  it('has a cross-tenant case for every tool of tools/list and every route of the OpenAPI document', async () => {
    const automations = (await callOk<{ automations: Array<{ name: string }> }>(w.aAdmin, 'automation_list', {})).automations.map((a) => a.name);
    expect(automations).toEqual(['gated_call']);
    const tools = (await w.aAdmin.listTools()).tools.map((tool) => tool.name).map((name) => (automations.includes(name) ? AUTOMATION_TOOL : name));
    const document = (await (await fetch(`${w.h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
    const routes = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).filter((m) => methods.has(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(tools.length).toBeGreaterThan(10);
    expect(routes.length).toBeGreaterThan(15);
    const covered = new Set(CROSS_TENANT.map((entry) => entry.target));
    expect([...tools, ...routes].filter((target) => !covered.has(target))).toEqual([]);
  });

  it.each(CROSS_TENANT.map((entry) => [entry.target, entry.attack] as const))("%s: another tenant's token reaches none of A's objects, and A's log does not move", async (_target, attack) => {
    const before = await aLog();
    await attack(w);
    expect(await aLog()).toBe(before);
  });

  it.each(CROSS_USER)('within a tenant: %s', async (_what, attack) => {
    const before = await aLog();
    await attack(w);
    // Only the attacker's own confirmations of his own calls (audit entries of his, in his tenant) may be added,
    // and A's log-only policy's evaluations of the attackers' calls, which it allows.
    const added = (await collect(w.h.store.readAll({ tenantId: A }))).filter((event) => event.tenantPosition > before);
    const own = (event: (typeof added)[number]): boolean => (['ToolCallConfirmed', 'ConfirmationUsed'].includes(event.type) && event.metadata.userId === 'bob')
      || (event.type === 'PolicyEvaluated' && (event.data as { decision: string }).decision === 'allow');
    expect(added.filter((event) => !own(event))).toEqual([]);
  });

  it("leaves every object of A as it was: memory, connectors and their secret, automation, run, approval, retention", async () => {
    expect(await callOk(alice, 'memory_get', { scope: 'user', namespace: 'notes', key: 'k' })).toMatchObject({ value: NOTE });
    expect(await callOk(alice, 'memory_get', { scope: 'tenant', namespace: 'policy', key: 'k' })).toMatchObject({ value: POLICY });
    expect((await callOk<{ connectors: Array<{ name: string; hasSecret: boolean }> }>(w.aAdmin, 'connector_list', {})).connectors.map(({ name, hasSecret }) => ({ name, hasSecret })))
      .toEqual(['erp', 'ledger', 'payroll'].map((name) => ({ name, hasSecret: true })));
    expect(await callOk(w.aAdmin, 'automation_list', {})).toMatchObject({ automations: [{ name: 'gated_call', version: 1, shadow: { version: 2 } }] });
    expect(await callOk(w.aAdmin, 'policy_list', {})).toEqual({ policies: [{ name: 'a_guard', version: 1, mode: 'log-only', text: A_GUARD }] });
    expect((await rest(w.h.platform.url, 'GET', '/v1/memory/retention', w.aAdminToken)).body).toEqual({ days: 30 });
    expect((await rest(w.h.platform.url, 'GET', '/v1/compliance/retention', w.aAdminToken)).body).toMatchObject({ days: 400 });
    expect(await callOk(w.aAdmin, 'run_get', { runId: w.runId })).toMatchObject({ status: 'running', approval: { status: 'pending' } });
    expect((await rest(w.h.platform.url, 'GET', '/v1/admin/grants', w.aAdminToken)).body.grants).toEqual([expect.objectContaining({ grantId: w.aGrantId, userId: 'alice' })]);
    expect((await rest(w.h.platform.url, 'GET', '/v1/admin/clients', w.aAdminToken)).body.clients).toEqual([expect.objectContaining({ clientId: w.aClientId, disabled: false })]);
    // The approval is still A's to decide, and the run still calls out with A's own secret.
    await callOk(w.aAdmin, 'approval_decide', { approvalId: w.approvalId, decision: 'approve', reason: 'fine' });
    expect((await waitForRun(alice, w.runId)).status).toBe('completed');
    expect(w.fixture.requests.filter((request) => request.path === '/orders/a-1').map((request) => request.headers.authorization)).toEqual([`Bearer ${A_SECRET}`]);
  });
});
