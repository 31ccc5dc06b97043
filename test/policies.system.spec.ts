import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest, type RestAnswer } from './support/rest.js';

const NO_SECRETS = 'forbid(principal, action == Action::"call", resource == Tool::"memory_put")\n  when { context.arguments.key like "secret*" };';
const BIG_NEEDS_MANAGERS = '@requireApproval("managers")\nforbid(principal, action, resource == Tool::"memory_put")\n  when { context.arguments.key like "big*" }\n  unless { principal.groups.contains("trusted") };';
const AMOUNT_LIMIT = 'forbid(principal, action, resource == Tool::"memory_put") when { context.arguments.value.amount > 5 };';
const ADMIN = ['policies:admin', 'policies:read', 'automations:admin'];
const AGENT = ['memory:write', 'memory:read', 'automation:pay_invoice', 'runs:read'];
/** An automation that only waits: its tool's arguments are its input, and a start needs no connector. */
const PAY_INVOICE = {
  name: 'pay_invoice', title: 'Pay an invoice', description: 'Waits, as a payment would.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [{ id: 'hold', type: 'wait', seconds: 3600 }],
};
const PAY_LIMIT = 'forbid(principal, action == Action::"call", resource == Tool::"pay_invoice")\n  when { resource.automation && context.arguments.amount > 500 };';

interface Report {
  evaluations: Array<{ mode: string; total: number; allow: number; deny: number }>;
  policies: Array<{ policy: string; mode: string; deny: number; approvalRequired: number; error: number; latest: Array<{ tool: string; userId: string; decision: string; at: string }> }>;
}

describe.each(['sqlite', 'postgres'] as const)('tenant policies on %s', (kind) => {
  let h: PlatformHarness;
  let admin: Client;
  let alice: Client;
  let bob: Client;
  let intruder: Client;
  let adminToken: string;
  let intruderToken: string;
  const tenant = `acme-${kind}`;
  const other = `globex-${kind}`;

  const eventsOf = (tenantId: string): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId }));
  const put = (client: Client, key: string, value: unknown = 'v') => client.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key, value } });
  const api = (method: string, path: string, token: string, body?: unknown): Promise<RestAnswer> => rest(h.platform.url, method, path, token, body);
  const codeOf = (answer: RestAnswer): unknown => (answer.body.error as { code?: string } | undefined)?.code;
  /** What the call appended to the tenant's log, the call made between two reads of it. */
  const appendedBy = async (call: () => Promise<unknown>): Promise<{ result: unknown; appended: RecordedEvent[] }> => {
    const before = await eventsOf(tenant);
    const result = await call();
    return { result, appended: (await eventsOf(tenant)).slice(before.length) };
  };

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant, groups?: string[]): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes, ...(groups && { groups }) });
    adminToken = mint('root', ADMIN);
    intruderToken = mint('mallory', [...ADMIN, ...AGENT], other);
    admin = await connect(h.platform, adminToken);
    alice = await connect(h.platform, mint('alice', AGENT, tenant, ['sales']));
    bob = await connect(h.platform, mint('bob', AGENT, tenant, ['trusted']));
    intruder = await connect(h.platform, intruderToken);
  });
  afterAll(async () => {
    for (const client of [admin, alice, bob, intruder]) await client?.close();
    await h?.stop();
  });

  it('refuses bad input to every tool and endpoint with a typed error, appending nothing', async () => {
    const before = await eventsOf(tenant);
    const broken = errorOf(await admin.callTool({ name: 'policy_publish', arguments: { name: 'broken', text: 'permit(principal, action, resource);\nforbid(principal, action, resource) when { context.x > };', mode: 'log-only' } }));
    expect(broken.code).toBe('policy.invalid');
    expect(broken.details?.issues).toEqual([expect.objectContaining({ position: expect.objectContaining({ line: 2, column: 56 }) })]);
    const unknownAttribute = errorOf(await admin.callTool({ name: 'policy_publish', arguments: { name: 'typo', text: 'forbid(principal, action, resource)\n  when { principal.grups.contains("x") };' } }));
    expect(unknownAttribute).toMatchObject({ code: 'policy.invalid', details: { issues: [expect.objectContaining({ help: expect.stringMatching(/groups/), position: expect.objectContaining({ line: 2, column: 10 }) })] } });
    expect(errorOf(await admin.callTool({ name: 'policy_publish', arguments: { name: 'Bad Name', text: NO_SECRETS } })).code).toBe('tool.invalid_arguments');
    expect(errorOf(await admin.callTool({ name: 'policy_publish', arguments: { name: 'ok', text: NO_SECRETS, mode: 'audit' } })).code).toBe('tool.invalid_arguments');
    expect(errorOf(await admin.callTool({ name: 'policy_mode_set', arguments: { name: 'none', mode: 'enforce' } })).code).toBe('policy.not_found');
    expect(errorOf(await admin.callTool({ name: 'policy_remove', arguments: { name: 'none' } })).code).toBe('policy.not_found');
    expect(errorOf(await admin.callTool({ name: 'policy_report', arguments: { since: 'yesterday' } })).code).toBe('policy.invalid_report_query');
    expect(errorOf(await admin.callTool({ name: 'policy_list', arguments: { all: true } })).code).toBe('tool.invalid_arguments');

    const restBroken = await api('POST', '/v1/policies', adminToken, { name: 'broken', text: 'forbid(principal, action, resource) when { principal.grups.contains("x") };' });
    expect([restBroken.status, codeOf(restBroken)]).toEqual([400, 'policy.invalid']);
    expect((restBroken.body.error as { details: { issues: unknown[] } }).details.issues).toEqual([expect.objectContaining({ position: expect.objectContaining({ line: 1 }) })]);
    for (const [method, path, body, status, code] of [
      ['POST', '/v1/policies', { name: '../x', text: NO_SECRETS }, 400, 'policy.invalid_name'],
      ['POST', '/v1/policies', { name: 'ok', text: NO_SECRETS, mode: 'audit' }, 400, 'policy.invalid_mode'],
      ['POST', '/v1/policies', { name: 'ok', text: NO_SECRETS, mode: null }, 400, 'policy.invalid_mode'],
      ['POST', '/v1/policies', { name: 'ok', text: 42 }, 400, 'policy.invalid_text'],
      ['POST', '/v1/policies', { name: 'ok', text: `// ${'x'.repeat(17_000)}\n${NO_SECRETS}` }, 400, 'policy.text_too_large'],
      ['POST', '/v1/policies/none/mode', { mode: 'enforce' }, 404, 'policy.not_found'],
      ['POST', '/v1/policies/BAD/mode', { mode: 'enforce' }, 400, 'policy.invalid_name'],
      ['DELETE', '/v1/policies/none', undefined, 404, 'policy.not_found'],
      ['GET', '/v1/policy-report?limit=500', undefined, 400, 'policy.invalid_report_query'],
      ['GET', '/v1/policy-report?tenant=globex', undefined, 400, 'policy.invalid_report_query'],
    ] as const) {
      const answer = await api(method, path, adminToken, body);
      expect([method, path, answer.status, codeOf(answer)]).toEqual([method, path, status, code]);
    }
    expect((await api('POST', '/v1/policies', 'not-a-token', { name: 'ok', text: NO_SECRETS })).status).toBe(401);
    const agentToken = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: [...AGENT, 'policies:read'] });
    expect((await api('POST', '/v1/policies', agentToken, { name: 'ok', text: NO_SECRETS })).status).toBe(403);
    expect(await eventsOf(tenant)).toHaveLength(before.length);
  });

  it('log-only: calls the policy would forbid succeed, and the report shows the would-be denials', async () => {
    expect(await callOk(admin, 'policy_publish', { name: 'no_secrets', text: NO_SECRETS, mode: 'log-only' })).toEqual({ name: 'no_secrets', version: 1, mode: 'log-only', changed: true });
    expect(await callOk(admin, 'policy_publish', { name: 'no_secrets', text: NO_SECRETS, mode: 'log-only' })).toMatchObject({ changed: false });
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'secret-1', value: 'a' });
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'secret-2', value: 'b' });
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'plain', value: 'c' });
    const report = await callOk<Report>(admin, 'policy_report', {});
    expect(report.evaluations).toEqual([{ mode: 'log-only', total: 3, allow: 1, deny: 2, approvalRequired: 0, error: 0 }]);
    expect(report.policies).toEqual([{ policy: 'no_secrets', mode: 'log-only', deny: 2, approvalRequired: 0, error: 0, latest: [expect.objectContaining({ tool: 'memory_put', userId: 'alice', decision: 'deny' }), expect.objectContaining({ userId: 'alice' })] }]);
    const viaRest = await api('GET', '/v1/policy-report?policy=no_secrets&limit=1', adminToken);
    expect(viaRest.status).toBe(200);
    expect((viaRest.body as unknown as Report).policies[0]!.latest).toHaveLength(1);
    // The policy tools are never evaluated (policy_publish and policy_report above): only alice's three calls were.
    const evaluated = (await eventsOf(tenant)).filter((event) => event.type === 'PolicyEvaluated');
    expect(evaluated.map((event) => (event.data as { decision: string }).decision)).toEqual(['deny', 'deny', 'allow']);
    // Argument names, never their values.
    expect(evaluated[0]!.data).toMatchObject({ tool: 'memory_put', mode: 'log-only', matchedPolicies: ['no_secrets'], argumentKeys: expect.arrayContaining(['key', 'value']), userId: 'alice', clientId: 'claude' });
    expect(JSON.stringify(evaluated)).not.toContain('secret-1');
  });

  it('enforce: the same call is refused with a typed error and the store gains only the PolicyEvaluated event; others pass', async () => {
    const switched = await api('POST', '/v1/policies/no_secrets/mode', adminToken, { mode: 'enforce' });
    expect([switched.status, switched.body]).toEqual([200, { name: 'no_secrets', version: 1, mode: 'enforce', changed: true }]);
    const { result, appended } = await appendedBy(() => put(alice, 'secret-3'));
    expect(errorOf(result)).toMatchObject({ code: 'policy.denied', kind: 'forbidden', details: { tool: 'memory_put', policies: ['no_secrets'] } });
    expect(appended.map((event) => [event.type, (event.data as { decision: string; mode: string }).decision, (event.data as { mode: string }).mode])).toEqual([['PolicyEvaluated', 'deny', 'enforce']]);
    const allowed = await appendedBy(() => callOk(alice, 'memory_put', { namespace: 'notes', key: 'plain-2', value: 'd' }));
    expect(allowed.appended.map((event) => event.type).sort()).toEqual(['MemoryItemPut', 'PolicyEvaluated']);
    expect((await api('GET', '/v1/policies', adminToken)).body).toEqual({ policies: [{ name: 'no_secrets', version: 1, mode: 'enforce', text: NO_SECRETS }] });
  });

  it('require approval by a group: refused naming the group, unless the caller\'s groups exempt it', async () => {
    await callOk(admin, 'policy_publish', { name: 'big_needs_managers', text: BIG_NEEDS_MANAGERS, mode: 'enforce' });
    const { result, appended } = await appendedBy(() => put(alice, 'big-1'));
    expect(errorOf(result)).toMatchObject({ code: 'policy.approval_required', details: { groups: ['managers'], policies: ['big_needs_managers'] } });
    expect(appended.map((event) => [event.type, (event.data as { decision: string }).decision])).toEqual([['PolicyEvaluated', 'approval_required']]);
    await callOk(bob, 'memory_put', { namespace: 'notes', key: 'big-2', value: 'e' });
    expect(await callOk(admin, 'policy_remove', { name: 'big_needs_managers' })).toEqual({ name: 'big_needs_managers', removed: true });
  });

  it('a policy that fails to evaluate refuses the call (fail closed)', async () => {
    await callOk(admin, 'policy_publish', { name: 'amount_limit', text: AMOUNT_LIMIT, mode: 'enforce' });
    const { result, appended } = await appendedBy(() => put(alice, 'note', 'no amount here'));
    expect(errorOf(result)).toMatchObject({ code: 'policy.evaluation_failed', details: { policies: ['amount_limit'] } });
    expect(appended.map((event) => [event.type, (event.data as { decision: string }).decision])).toEqual([['PolicyEvaluated', 'error']]);
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'note', value: { amount: 3 } });
    expect(errorOf(await put(alice, 'note', { amount: 30 })).code).toBe('policy.denied');
  });

  it('never guards the policy tools: a forbid of everything can be removed through MCP', async () => {
    await callOk(admin, 'policy_publish', { name: 'lock_all', text: 'forbid(principal, action, resource);', mode: 'enforce' });
    // amount_limit still enforces: an amount keeps it from failing to evaluate (an error would refuse before the deny).
    expect(errorOf(await put(alice, 'plain-3', { amount: 1 }))).toMatchObject({ code: 'policy.denied', details: { policies: ['lock_all'] } });
    expect(errorOf(await put(bob, 'plain-3', { amount: 1 })).code).toBe('policy.denied');
    const { appended } = await appendedBy(() => callOk(admin, 'policy_remove', { name: 'lock_all' }));
    expect(appended.map((event) => event.type)).toEqual(['PolicyRemoved']);
    await callOk(alice, 'memory_put', { namespace: 'notes', key: 'plain-3', value: { amount: 1 } });
  });

  it('isolates tenants: another tenant\'s admin cannot see, change or remove these policies, and they never apply to its calls', async () => {
    const acmeBefore = await eventsOf(tenant);
    expect(await callOk(intruder, 'policy_list')).toEqual({ policies: [] });
    expect(errorOf(await intruder.callTool({ name: 'policy_mode_set', arguments: { name: 'no_secrets', mode: 'log-only' } })).code).toBe('policy.not_found');
    expect(errorOf(await intruder.callTool({ name: 'policy_remove', arguments: { name: 'no_secrets' } })).code).toBe('policy.not_found');
    expect(await callOk<Report>(intruder, 'policy_report', {})).toEqual({ since: null, evaluations: [], policies: [] });
    expect((await api('GET', '/v1/policies', intruderToken)).body).toEqual({ policies: [] });
    expect((await api('GET', '/v1/policy-report?policy=no_secrets', intruderToken)).body).toEqual({ since: null, evaluations: [], policies: [] });
    expect(codeOf(await api('POST', '/v1/policies/no_secrets/mode', intruderToken, { mode: 'log-only' }))).toBe('policy.not_found');
    expect(codeOf(await api('DELETE', '/v1/policies/no_secrets', intruderToken))).toBe('policy.not_found');
    // Publishing the same name in its own tenant is its own policy; acme's still enforce on acme only.
    await callOk(intruder, 'memory_put', { namespace: 'notes', key: 'secret-x', value: 'globex' });
    expect((await eventsOf(other)).some((event) => event.type === 'PolicyEvaluated')).toBe(false);
    expect(await eventsOf(tenant)).toHaveLength(acmeBefore.length);
    expect((await callOk<{ policies: Array<{ name: string; mode: string }> }>(admin, 'policy_list')).policies.map((p) => [p.name, p.mode])).toEqual([['amount_limit', 'enforce'], ['no_secrets', 'enforce']]);
  });

  it('guards an automation tool on its input: a refused start starts no run', async () => {
    await callOk(admin, 'automation_publish', { definition: PAY_INVOICE });
    await callOk(admin, 'policy_publish', { name: 'pay_limit', text: PAY_LIMIT, mode: 'enforce' });
    const refused = await appendedBy(() => alice.callTool({ name: 'pay_invoice', arguments: { invoiceId: 'inv-1', amount: 900 } }));
    expect(errorOf(refused.result)).toMatchObject({ code: 'policy.denied', details: { tool: 'pay_invoice', policies: ['pay_limit'] } });
    expect(refused.appended.map((event) => [event.type, (event.data as { decision: string }).decision])).toEqual([['PolicyEvaluated', 'deny']]);
    expect(refused.appended[0]!.data).toMatchObject({ argumentKeys: ['invoiceId', 'amount'] });
    expect(await callOk(alice, 'pay_invoice', { invoiceId: 'inv-2', amount: 100 })).toMatchObject({ status: 'running' });
    // A dry run is judged on the run's input, as the start would be: refused alike, planned alike.
    const refusedDryRun = await appendedBy(() => alice.callTool({ name: 'pay_invoice', arguments: { invoiceId: 'inv-3', amount: 900, dryRun: true } }));
    expect(errorOf(refusedDryRun.result)).toMatchObject({ code: 'policy.denied', details: { tool: 'pay_invoice', policies: ['pay_limit'] } });
    // The run started above may append its own steps meanwhile; the dry run's own events are the evaluation alone.
    const ownEvents = refusedDryRun.appended.filter((event) => !event.streamId.startsWith('run-'));
    expect(ownEvents.map((event) => [event.type, (event.data as { decision: string }).decision])).toEqual([['PolicyEvaluated', 'deny']]);
    expect(ownEvents[0]!.data).toMatchObject({ argumentKeys: ['invoiceId', 'amount'] });
    expect(await callOk(alice, 'pay_invoice', { invoiceId: 'inv-4', amount: 100, dryRun: true })).toMatchObject({ outcome: 'completed', dryRunId: expect.stringMatching(/^dryrun-/) });
    await callOk(admin, 'policy_remove', { name: 'pay_limit' });
  });

  it('without policies a call is not evaluated and appends no evaluation', async () => {
    expect((await api('DELETE', '/v1/policies/no_secrets', adminToken)).body).toEqual({ name: 'no_secrets', removed: true });
    await callOk(admin, 'policy_remove', { name: 'amount_limit' });
    const { appended } = await appendedBy(() => callOk(alice, 'memory_put', { namespace: 'notes', key: 'secret-4', value: 'f' }));
    // The run started above may append its own steps meanwhile; the call's own events are the memory put alone.
    expect(appended.filter((event) => !event.streamId.startsWith('run-')).map((event) => event.type)).toEqual(['MemoryItemPut']);
  });
});
