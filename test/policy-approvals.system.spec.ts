import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest, type RestAnswer } from './support/rest.js';
import { waitForRun, type RunView } from './support/runs.js';

const SECRET = 'sk_live_BILLING_p0licy_gate';
const ADMIN = ['policies:admin', 'policies:read', 'automations:admin', 'connectors:admin', 'groups:admin', 'groups:read'];
const DECIDER = ['approvals:decide', 'runs:read'];
const AGENT = ['automation:pay_invoice', 'automation:pay_quick', 'memory:write', 'runs:read', 'approvals:decide'];
/** Pays through the loopback downstream at once: only the policy can make it wait. */
const PAY_INVOICE = {
  name: 'pay_invoice', title: 'Pay an invoice', description: 'Pays it.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [{ id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/invoices/{{input.invoiceId}}/pay', body: { amount: '{{input.amount}}' } } }],
};
/** The same payment with a run deadline of 2 s: a policy approval nobody decides expires with it. */
const PAY_QUICK = { ...PAY_INVOICE, name: 'pay_quick', title: 'Pay quickly', timeoutSeconds: 2 };
const QUICK_NEEDS_MANAGERS = '@requireApproval("managers")\nforbid(principal, action, resource == Tool::"pay_quick");';
const BIG_NEEDS_MANAGERS = '@requireApproval("managers")\nforbid(principal, action, resource == Tool::"pay_invoice")\n  when { context.arguments.amount > 500 };';
const MEMORY_NEEDS_MANAGERS = '@requireApproval("managers")\nforbid(principal, action, resource == Tool::"memory_put")\n  when { context.arguments.key like "big*" };';
const FINANCE_ONLY = 'forbid(principal, action, resource == Tool::"memory_put")\n  when { context.arguments.key like "ledger*" }\n  unless { principal.groups.contains("finance") };';

interface Started { runId: string; status: string; policyApproval?: { approvalId: string; groups: string[]; policies: string[] } }
interface Approval { approvalId: string; runId: string; stepId: string; prompt: string; offeredBy: string | null }
type GatedRun = RunView & { policyApproval: { groups: string[]; policies: string[]; granted: boolean } | null };

describe.each(['sqlite', 'postgres'] as const)("the policies' approval before a run on %s", (kind) => {
  let h: PlatformHarness;
  let billing: FixtureServer;
  let admin: Client;
  let alice: Client;
  let bob: Client;
  let dave: Client;
  let intruder: Client;
  let bobToken: string;
  let daveToken: string;
  let intruderToken: string;
  const tenant = `gate-${kind}`;
  const other = `gate-other-${kind}`;
  const events = (tenantId = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId }));
  const api = (method: string, path: string, token: string, body?: unknown): Promise<RestAnswer> => rest(h.platform.url, method, path, token, body);
  const codeOf = (answer: RestAnswer): unknown => (answer.body.error as { code?: string } | undefined)?.code;
  const paidFor = (invoiceId: string) => billing.requests.filter((request) => request.path === `/invoices/${invoiceId}/pay`);
  const listOf = async (client: Client): Promise<Approval[]> => (await callOk<{ approvals: Approval[] }>(client, 'approval_list', {})).approvals;
  const runOf = (runId: string): Promise<GatedRun> => callOk<GatedRun>(alice, 'run_get', { runId });
  /** The decisions recorded for calls of one tool (every call the tenant's policies see is recorded: run_get's polls too). */
  const decisionsOn = (appended: RecordedEvent[], tool: string): Array<[string, string]> => appended
    .filter((event) => event.type === 'PolicyEvaluated' && (event.data as { tool: string }).tool === tool)
    .map((event) => [(event.data as { mode: string }).mode, (event.data as { decision: string }).decision]);
  /** What a refused decision may not append: anything but the front door's record of the call itself. */
  const besidesEvaluations = (appended: RecordedEvent[]): RecordedEvent[] => appended.filter((event) => event.type !== 'PolicyEvaluated');
  /** A start over 500 under the enforced policy: it answers as a start does, with the approval it waits for. */
  const startBig = async (invoiceId: string): Promise<Started> => {
    const started = await callOk<Started>(alice, 'pay_invoice', { invoiceId, amount: 900 });
    expect(started).toMatchObject({ status: 'running', policyApproval: { approvalId: `${started.runId}.policy-gate`, groups: ['managers'], policies: ['big_needs_managers'] } });
    await waitForRun(alice, started.runId, (run) => run.approval?.status === 'pending');
    return started;
  };

  beforeAll(async () => {
    billing = await startFixtureServer();
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant, groups?: string[]): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes, ...(groups && { groups }) });
    admin = await connect(h.platform, mint('root', ADMIN));
    // alice starts the runs; she is a manager by her token, and still may not decide her own run's gate.
    alice = await connect(h.platform, mint('alice', AGENT, tenant, ['managers']));
    bobToken = mint('bob', DECIDER);
    daveToken = mint('dave', [...DECIDER, 'memory:write'], tenant, ['sales']);
    intruderToken = mint('mallory', [...ADMIN, ...DECIDER, ...AGENT], other, ['managers']);
    bob = await connect(h.platform, bobToken);
    dave = await connect(h.platform, daveToken);
    intruder = await connect(h.platform, intruderToken);
    const config = { baseUrl: billing.url, allowedHosts: [new URL(billing.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000, rateLimit: { perSecond: 100, burst: 100 } };
    await callOk(admin, 'connector_register', { name: 'billing', config });
    await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET });
    await callOk(admin, 'automation_publish', { definition: PAY_INVOICE });
    // bob is a manager on the tenant's own list only (his token has no groups claim).
    await callOk(admin, 'group_set', { group: 'managers', members: ['bob'] });
    await callOk(admin, 'policy_publish', { name: 'big_needs_managers', text: BIG_NEEDS_MANAGERS, mode: 'enforce' });
  });
  afterAll(async () => {
    for (const client of [admin, alice, bob, dave, intruder]) await client?.close().catch(() => undefined);
    await h?.stop();
    await billing?.close();
  });

  it('starts a run over 500 that waits for the managers before its first step; the downstream gets nothing until then', async () => {
    const before = (await events()).length;
    const { runId, policyApproval } = await startBig('inv-1');
    const appended = (await events()).slice(before);
    expect(decisionsOn(appended, 'pay_invoice')).toEqual([['enforce', 'approval_required']]);
    expect(appended.find((event) => event.type === 'RunStarted')!.data).toMatchObject({ policyApproval: { groups: ['managers'], policies: ['big_needs_managers'] } });
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'running', currentStep: 'policy-gate', policyApproval: { groups: ['managers'], policies: ['big_needs_managers'], granted: false }, approval: { approvalId: policyApproval!.approvalId, status: 'pending', groups: ['managers'] } });
    expect(run.steps).toEqual([expect.objectContaining({ id: 'pay', status: 'pending', attempts: 0 })]);
    expect(paidFor('inv-1')).toEqual([]);
    // The run list agrees: the run is at its policies' approval.
    const listed = await callOk<{ runs: Array<{ runId: string; currentStep: string | null }> }>(alice, 'run_list', {});
    expect(listed.runs.find((entry) => entry.runId === runId)).toMatchObject({ currentStep: 'policy-gate' });
    // A run under 500 is not held.
    const small = await callOk<Started>(alice, 'pay_invoice', { invoiceId: 'inv-small', amount: 100 });
    expect(small.policyApproval).toBeUndefined();
    expect((await waitForRun(alice, small.runId)).status).toBe('completed');
  });

  it('lets neither a non-member nor the starter decide it (typed errors, nothing appended); a member of the tenant\'s managers list approves and the run pays', async () => {
    const { runId, policyApproval } = await startBig('inv-2');
    const approvalId = policyApproval!.approvalId;
    expect(await listOf(dave)).toEqual([]);
    expect(await listOf(alice)).toEqual([]);
    expect((await listOf(bob)).filter((approval) => approval.runId === runId)).toEqual([expect.objectContaining({ approvalId, stepId: 'policy-gate', offeredBy: 'managers', prompt: expect.stringMatching(/pay_invoice.*big_needs_managers/) })]);
    const viaRest = await api('GET', '/v1/approvals', bobToken);
    expect((viaRest.body as { approvals: Approval[] }).approvals).toEqual(expect.arrayContaining([expect.objectContaining({ approvalId, offeredBy: 'managers' })]));

    const before = (await events()).length;
    expect(errorOf(await dave.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'why not' } })).code).toBe('approval.not_an_approver');
    expect(errorOf(await alice.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'mine' } })).code).toBe('approval.self_decision');
    const daveRest = await api('POST', `/v1/approvals/${approvalId}/decision`, daveToken, { decision: 'approve', reason: 'rest' });
    expect([daveRest.status, codeOf(daveRest)]).toEqual([403, 'approval.not_an_approver']);
    expect(besidesEvaluations((await events()).slice(before))).toEqual([]);

    expect(await callOk(bob, 'approval_decide', { approvalId, decision: 'approve', reason: 'budget checked' })).toEqual({ approvalId, runId, decision: 'approve' });
    const done = await waitForRun(alice, runId);
    expect(done).toMatchObject({ status: 'completed', approval: { approvalId, status: 'granted', decidedBy: 'bob' } });
    expect(paidFor('inv-2')).toEqual([expect.objectContaining({ method: 'POST', body: { amount: 900 }, idempotencyKey: `${runId}:pay` })]);
    expect((await runOf(runId)).policyApproval).toMatchObject({ granted: true });
    // The gate is no step: the run's steps are the definition's alone.
    expect(done.steps).toEqual([expect.objectContaining({ id: 'pay', status: 'succeeded', attempts: 1 })]);
  });

  it('a denial fails the run with policy.approval_denied and the downstream is never called', async () => {
    const { runId, policyApproval } = await startBig('inv-3');
    const denied = await api('POST', `/v1/approvals/${policyApproval!.approvalId}/decision`, bobToken, { decision: 'deny', reason: 'too much' });
    expect(denied.status).toBe(200);
    const run = await waitForRun(alice, runId);
    expect(run).toMatchObject({ status: 'failed', lastError: { code: 'policy.approval_denied', message: 'denied by bob: too much' } });
    expect(run.steps).toEqual([expect.objectContaining({ id: 'pay', status: 'pending', attempts: 0 })]);
    expect(paidFor('inv-3')).toEqual([]);
  });

  it("isolates tenants: another tenant's manager neither sees nor decides the gate", async () => {
    const { policyApproval } = await startBig('inv-4');
    const approvalId = policyApproval!.approvalId;
    expect(await listOf(intruder)).toEqual([]);
    expect(((await api('GET', '/v1/approvals', intruderToken)).body as { approvals: Approval[] }).approvals).toEqual([]);
    const before = (await events()).length;
    expect(errorOf(await intruder.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'mine now' } })).code).toBe('approval.not_found');
    const viaRest = await api('POST', `/v1/approvals/${approvalId}/decision`, intruderToken, { decision: 'approve', reason: 'rest' });
    expect([viaRest.status, codeOf(viaRest)]).toEqual([404, 'approval.not_found']);
    expect(besidesEvaluations((await events()).slice(before))).toEqual([]);
    expect((await events(other)).filter((event) => event.type.startsWith('Approval'))).toEqual([]);
    await callOk(bob, 'approval_decide', { approvalId, decision: 'deny', reason: 'tidy up' });
  });

  it('log-only records approval_required and the run starts without a gate; a dry run lists the gate it would wait for', async () => {
    const planned = await callOk<{ outcome: string; steps: Array<{ stepId: string; type: string; approvers?: { groups?: string[] }; policies?: string[] }> }>(alice, 'pay_invoice', { invoiceId: 'inv-5', amount: 900, dryRun: true });
    expect(planned.outcome).toBe('completed');
    expect(planned.steps.map((step) => [step.stepId, step.type])).toEqual([['policy-gate', 'approval'], ['pay', 'call']]);
    expect(planned.steps[0]).toMatchObject({ approvers: { groups: ['managers'] }, policies: ['big_needs_managers'] });
    expect(paidFor('inv-5')).toEqual([]);

    await callOk(admin, 'policy_mode_set', { name: 'big_needs_managers', mode: 'log-only' });
    const before = (await events()).length;
    const started = await callOk<Started>(alice, 'pay_invoice', { invoiceId: 'inv-6', amount: 900 });
    expect(started.policyApproval).toBeUndefined();
    expect((await waitForRun(alice, started.runId)).status).toBe('completed');
    const appended = (await events()).slice(before);
    expect(decisionsOn(appended, 'pay_invoice')).toEqual([['log-only', 'approval_required']]);
    expect(appended.find((event) => event.type === 'RunStarted')!.data).not.toHaveProperty('policyApproval');
    expect(paidFor('inv-6')).toHaveLength(1);
    await callOk(admin, 'policy_remove', { name: 'big_needs_managers' });
  });

  it('still refuses any other tool under an approval policy with policy.approval_required', async () => {
    await callOk(admin, 'policy_publish', { name: 'memory_needs_managers', text: MEMORY_NEEDS_MANAGERS, mode: 'enforce' });
    const before = (await events()).length;
    const refused = await alice.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'big-1', value: 'v' } });
    expect(errorOf(refused)).toMatchObject({ code: 'policy.approval_required', details: { groups: ['managers'], policies: ['memory_needs_managers'] } });
    expect((await events()).slice(before).map((event) => event.type)).toEqual(['PolicyEvaluated']);
    await callOk(admin, 'policy_remove', { name: 'memory_needs_managers' });
  });

  it("lets a policy see the tenant's approver groups: principal.groups holds a membership of the tenant's list, as of the call", async () => {
    await callOk(admin, 'policy_publish', { name: 'finance_only', text: FINANCE_ONLY, mode: 'enforce' });
    const put = (client: Client) => client.callTool({ name: 'memory_put', arguments: { namespace: 'notes', key: 'ledger-1', value: 'v' } });
    expect(errorOf(await put(dave))).toMatchObject({ code: 'policy.denied', details: { policies: ['finance_only'] } });
    await callOk(admin, 'group_set', { group: 'finance', members: ['dave'] });
    await callOk(dave, 'memory_put', { namespace: 'notes', key: 'ledger-2', value: 'v' });
    // Another tenant's list naming dave's id counts for nothing here.
    await callOk(admin, 'group_set', { group: 'finance', members: [] });
    await callOk(intruder, 'group_set', { group: 'finance', members: ['dave'] });
    expect(errorOf(await put(dave)).code).toBe('policy.denied');
    await callOk(admin, 'policy_remove', { name: 'finance_only' });
  });

  it('fails the run with approval.expired when nobody decides the policy approval by the run\'s deadline', async () => {
    await callOk(admin, 'automation_publish', { definition: PAY_QUICK });
    await callOk(admin, 'policy_publish', { name: 'quick_needs_managers', text: QUICK_NEEDS_MANAGERS, mode: 'enforce' });
    const started = await callOk<Started>(alice, 'pay_quick', { invoiceId: 'inv-7', amount: 1 });
    const run = await waitForRun(alice, started.runId, undefined, 15_000);
    expect(run).toMatchObject({ status: 'failed', lastError: { code: 'approval.expired' }, approval: { approvalId: started.policyApproval!.approvalId, status: 'expired' } });
    expect(paidFor('inv-7')).toEqual([]);
    expect(errorOf(await bob.callTool({ name: 'approval_decide', arguments: { approvalId: started.policyApproval!.approvalId, decision: 'approve', reason: 'late' } })).code).toBe('approval.not_pending');
    await callOk(admin, 'policy_remove', { name: 'quick_needs_managers' });
  });

  it('keeps the secret out of every event', async () => {
    expect(JSON.stringify(await events())).not.toContain(SECRET);
  });
});
