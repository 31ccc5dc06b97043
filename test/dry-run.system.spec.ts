import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf, MODERN_REVISION, postMcp } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { OpenApiConformance } from './support/openapi-conformance.js';
import { rest } from './support/rest.js';
import { waitForRun } from './support/runs.js';
import { scanForSecret } from './support/secret-scan.js';

const SECRET = 'sk_live_DRY_5ecr3t_never_sent';
const ADMIN_SCOPES = ['connectors:admin', 'connectors:read', 'automations:admin'];
const AGENT_SCOPES = ['automation:pay_quote', 'runs:read', 'runs:admin'];

const payQuote = {
  name: 'pay_quote',
  title: 'Pay a quote',
  description: 'Asks for a quote, pays it after approval.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [
    { id: 'quote', type: 'call', connector: 'billing', request: { method: 'POST', path: '/quotes/{{input.invoiceId}}', query: { ref: '{{input.invoiceId}}' }, body: { amount: '{{input.amount}}' } }, dryRunResponse: { status: 201, body: { id: 'q-1', total: 50 } } },
    { id: 'big', type: 'condition', when: { path: 'steps.quote.output.body.total', op: 'gt', value: 10 }, otherwise: 'complete' },
    { id: 'approve', type: 'approval', prompt: 'Pay {{steps.quote.output.body.total}} for {{input.invoiceId}}?' },
    { id: 'cool_off', type: 'wait', seconds: 3600 },
    { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay', body: { quote: '{{steps.quote.output.body.id}}' } } },
  ],
};

type Plan = { dryRunId: string; automation: string; version: number; outcome: string; steps: Array<Record<string, unknown> & { stepId: string; type: string }> };

describe.each(['sqlite', 'postgres'] as const)('dry runs of automations on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let alice: Client;
  let intruder: Client;
  let aliceToken: string;
  let intruderToken: string;
  const tenant = `dry-${kind}`;
  const stranger = `dry-other-${kind}`;
  const results: unknown[] = [];
  const head = (tenantId: string): Promise<number> => h.store.headPosition(tenantId);
  const events = (tenantId = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId }));

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes });
    aliceToken = mint('alice', AGENT_SCOPES);
    intruderToken = mint('mallory', [...AGENT_SCOPES, ...ADMIN_SCOPES], stranger);
    admin = await connect(h.platform, mint('root', ADMIN_SCOPES));
    alice = await connect(h.platform, aliceToken);
    intruder = await connect(h.platform, intruderToken);
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000, rateLimit: { perSecond: 100, burst: 100 } };
    await callOk(admin, 'connector_register', { name: 'billing', config });
    await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET });
    await callOk(admin, 'automation_publish', { definition: payQuote });
  });
  afterAll(async () => {
    for (const client of [admin, alice, intruder]) await client?.close();
    await h?.stop();
    await fixture?.close();
  });

  const expectPlan = (plan: Plan): void => {
    expect(plan).toMatchObject({ dryRunId: expect.stringMatching(/^dryrun-/), automation: 'pay_quote', version: 1, outcome: 'completed', error: null });
    expect(plan.steps.map((step) => [step.stepId, step.type])).toEqual([['quote', 'call'], ['big', 'condition'], ['approve', 'approval'], ['cool_off', 'wait'], ['pay', 'call']]);
    const [quote, big, approve, coolOff, pay] = plan.steps;
    expect(quote).toMatchObject({
      connector: 'billing', egress: 'allowed', rate: { heldBack: false },
      request: { method: 'POST', url: `${fixture.url}/quotes/inv-1?ref=inv-1`, body: { amount: 42 }, headers: { authorization: 'Bearer [secret]', 'idempotency-key': `${plan.dryRunId}:quote` } },
      response: { status: 201, body: { id: 'q-1', total: 50 } }, attempts: [expect.objectContaining({ attempt: 1, outcome: 'succeeded', status: 201 })],
    });
    expect(big).toMatchObject({ result: true, next: 'approve' });
    expect(approve).toMatchObject({ prompt: 'Pay 50 for inv-1?', assumed: 'granted', approvers: { scope: 'approvals:decide', notUser: 'alice' } });
    expect(coolOff).toMatchObject({ until: expect.any(String) });
    expect(pay).toMatchObject({ request: { url: `${fixture.url}/pay`, body: { quote: 'q-1' } }, response: { status: 200, body: null } });
  };

  it('lists dryRun in the tool, and plans over MCP: the plan comes back, nothing is sent, one sealed DryRunPlanned is recorded on its own stream', async () => {
    const tool = (await alice.listTools()).tools.find((t) => t.name === 'pay_quote')!;
    expect(tool.inputSchema.properties).toMatchObject({ dryRun: { type: 'boolean' } });
    const before = await head(tenant);
    const plan = await callOk<Plan>(alice, 'pay_quote', { invoiceId: 'inv-1', amount: 42, dryRun: true });
    results.push(plan);
    expectPlan(plan);
    expect(fixture.requests).toHaveLength(0);
    const appended = (await events()).filter((event) => event.globalPosition > before);
    expect(appended.map((event) => [event.streamId, event.type])).toEqual([[plan.dryRunId, 'DryRunPlanned']]);
    const recorded = JSON.stringify(appended[0]!.data);
    // The input and everything made of it are sealed: no invoice id, no rendered request, no prompt in plain.
    for (const plain of ['inv-1', 'Bearer', 'Pay 50', 'q-1']) expect(recorded).not.toContain(plain);
    expect(appended[0]!.data).toMatchObject({ automation: 'pay_quote', version: 1, requestedBy: 'alice', outcome: 'completed' });
  });

  it('answers a dry run with its plan, never a task, to a client that asks for tasks (2025-11-25 and 2026-07-28)', async () => {
    const params = { name: 'pay_quote', arguments: { invoiceId: 'inv-1', amount: 42, dryRun: true } };
    const legacy = await postMcp(h.platform, aliceToken, '2025-11-25', { method: 'tools/call', params: { ...params, task: {} } });
    const tasksExtension = { 'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } } };
    const modern = await postMcp(h.platform, aliceToken, MODERN_REVISION, { method: 'tools/call', params: { ...params, _meta: tasksExtension } });
    for (const answer of [legacy, modern]) {
      const result = answer.body['result'] as Record<string, unknown>;
      results.push(result);
      expect(result['task']).toBeUndefined();
      expect(result['taskId']).toBeUndefined();
      expect(result['resultType'] ?? 'complete').toBe('complete');
      expectPlan(result['structuredContent'] as Plan);
    }
    expect(fixture.requests).toHaveLength(0);
  });

  it('plans over REST with the same plan, sending nothing', async () => {
    const answer = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', aliceToken, { input: { invoiceId: 'inv-1', amount: 42 }, version: 1 });
    results.push(answer.body);
    expect(answer.status).toBe(200);
    expectPlan(answer.body as unknown as Plan);
    (await OpenApiConformance.load(h.platform.url)).check('/v1/automations/{name}/dry-runs', 'post', 200, answer.body);
    expect(fixture.requests).toHaveLength(0);
  });

  it('fails a call whose egress the live call would refuse, from the static checks alone, as the run would', async () => {
    // The metadata service by IP literal: allow-listed by the tenant, refused by the platform (only 127.0.0.1/32 is opened here).
    await callOk(admin, 'connector_register', { name: 'metadata', config: { baseUrl: 'http://169.254.169.254/latest', allowedHosts: ['169.254.169.254'] } });
    const definition = { ...payQuote, name: 'peek_metadata', steps: [{ id: 'peek', type: 'call', connector: 'metadata', request: { method: 'GET', path: '/meta-data/{{input.invoiceId}}' } }] };
    await callOk(admin, 'automation_publish', { definition });
    const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['automation:peek_metadata'] });
    const answer = await rest(h.platform.url, 'POST', '/v1/automations/peek_metadata/dry-runs', token, { input: { invoiceId: 'inv-1', amount: 1 } });
    results.push(answer.body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'failed', error: { stepId: 'peek', code: 'step.not_retryable' } });
    expect((answer.body as unknown as Plan).steps).toEqual([expect.objectContaining({
      stepId: 'peek', type: 'call', egress: 'refused', response: null, request: expect.objectContaining({ url: 'http://169.254.169.254/latest/meta-data/inv-1' }),
      attempts: [expect.objectContaining({ attempt: 1, outcome: 'failed', code: 'connector.egress_refused' })],
    })]);
  });

  it('returns the recorded plan for a repeated Idempotency-Key without recording it twice, and refuses the key with other input', async () => {
    const body = { input: { invoiceId: 'inv-1', amount: 42 } };
    const before = await head(tenant);
    const first = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', aliceToken, body, { 'Idempotency-Key': `dry-key-${kind}` });
    const again = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', aliceToken, body, { 'Idempotency-Key': `dry-key-${kind}` });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(await head(tenant)).toBe(before + 1);
    const other = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', aliceToken, { input: { invoiceId: 'inv-2', amount: 1 } }, { 'Idempotency-Key': `dry-key-${kind}` });
    expect(other.status).toBe(409);
    expect(await head(tenant)).toBe(before + 1);
    expect(fixture.requests).toHaveLength(0);
  });

  it('never shows a dry run as a run: not in run_list or GET /v1/runs, no approval pending, no run- stream', async () => {
    const { runs } = await callOk<{ runs: unknown[] }>(alice, 'run_list', { allUsers: true });
    expect(runs).toEqual([]);
    const listed = await rest(h.platform.url, 'GET', '/v1/runs?allUsers=true', aliceToken);
    expect(listed.status).toBe(200);
    expect(listed.body['runs']).toEqual([]);
    const approver = h.issuer.mint({ tenantId: tenant, userId: 'bob', scopes: ['approvals:decide'] });
    const approvals = await rest(h.platform.url, 'GET', '/v1/approvals', approver);
    expect(approvals.status).toBe(200);
    expect(approvals.body['approvals']).toEqual([]);
    expect((await events()).some((event) => event.streamId.startsWith('run-'))).toBe(false);
  });

  it("does not let another tenant's caller dry-run this tenant's automation, nor see anything of it", async () => {
    const before = [await head(tenant), await head(stranger)];
    expect((await intruder.listTools()).tools.map((t) => t.name)).not.toContain('pay_quote');
    const overMcp = await intruder.callTool({ name: 'pay_quote', arguments: { invoiceId: 'inv-1', amount: 42, dryRun: true } });
    expect(errorOf(overMcp).code).toBe('tool.unknown');
    const overRest = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', intruderToken, { input: { invoiceId: 'inv-1', amount: 42 } });
    expect(overRest.status).toBe(404);
    expect(overRest.body).toMatchObject({ error: { code: 'automation.not_found' } });
    expect(await rest(h.platform.url, 'GET', '/v1/runs?allUsers=true', intruderToken)).toMatchObject({ status: 200, body: { runs: [] } });
    expect([await head(tenant), await head(stranger)]).toEqual(before);
    expect(fixture.requests).toHaveLength(0);
  });

  it('needs the automation scope over REST as over MCP', async () => {
    const narrow = h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['runs:read'] });
    const before = await head(tenant);
    const refused = await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', narrow, { input: { invoiceId: 'inv-1', amount: 42 } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
    expect(refused.headers.get('www-authenticate')).toContain('scope="automation:pay_quote"');
    expect((await rest(h.platform.url, 'POST', '/v1/automations/pay_quote/dry-runs', undefined, { input: {} })).status).toBe(401);
    expect(await head(tenant)).toBe(before);
  });

  it('refuses bad input with a typed error, appending nothing and calling nothing', async () => {
    const before = await head(tenant);
    const wrongInput = errorOf(await alice.callTool({ name: 'pay_quote', arguments: { invoiceId: 7, dryRun: true } }));
    expect(wrongInput.code).toBe('tool.invalid_arguments');
    expect(wrongInput.message).toMatch(/invoiceId|amount/);
    const notBoolean = errorOf(await alice.callTool({ name: 'pay_quote', arguments: { invoiceId: 'inv-1', amount: 42, dryRun: 'yes' } }));
    expect(notBoolean).toMatchObject({ code: 'tool.invalid_arguments', message: expect.stringMatching(/dryRun/) });
    for (const [path, body, status, code] of [
      ['/v1/automations/pay_quote/dry-runs', { input: { invoiceId: 7 } }, 400, 'run.invalid_input'],
      ['/v1/automations/pay_quote/dry-runs', { input: { invoiceId: 'inv-1', amount: 42 }, version: 9 }, 404, 'automation.not_found'],
      ['/v1/automations/no_such_thing/dry-runs', { input: {} }, 404, 'automation.not_found'],
      ['/v1/automations/pay_quote/dry-runs', { input: 'not an object' }, 400, undefined],
      ['/v1/automations/pay_quote/dry-runs', { input: { invoiceId: 'inv-1', amount: 42 }, extra: true }, 400, undefined],
    ] as const) {
      const scopes = path.includes('no_such_thing') ? [...AGENT_SCOPES, 'automation:no_such_thing'] : AGENT_SCOPES;
      const answer = await rest(h.platform.url, 'POST', path, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes }), body);
      results.push(answer.body);
      expect([path, answer.status]).toEqual([path, status]);
      if (code) expect(answer.body).toMatchObject({ error: { code } });
    }
    expect(await head(tenant)).toBe(before);
    expect(fixture.requests).toHaveLength(0);
  });

  it('refuses to publish a definition whose input declares dryRun, appending nothing', async () => {
    const before = await head(tenant);
    const reserved = { ...payQuote, name: 'reserved_dry', inputSchema: { type: 'object', properties: { dryRun: { type: 'boolean' } } } };
    const error = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: reserved } }));
    expect(error.code).toBe('automation.invalid');
    expect((error.details!['issues'] as Array<{ path: string }>).map((issue) => issue.path)).toContain('inputSchema.properties.dryRun');
    expect(await head(tenant)).toBe(before);
  });

  it('leaves the secret nowhere in plain: events, data files, logs, tool results and REST answers', async () => {
    expect(await scanForSecret(SECRET, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: results })).toEqual([]);
    expect(fixture.requests).toHaveLength(0);
  });

  // Last: its live run sends a request, which every test above asserts never happens.
  it("peeks at the connector's outbound rate without spending it: a live call's token is missed, a dry run's never", async () => {
    await callOk(admin, 'connector_register', { name: 'ledger', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], rateLimit: { perSecond: 0.05, burst: 1 } } });
    const twice = { ...payQuote, name: 'post_twice', steps: [1, 2].map((n) => ({ id: `post_${n}`, type: 'call', connector: 'ledger', request: { method: 'POST', path: `/ledger/{{input.invoiceId}}/${n}` } })) };
    await callOk(admin, 'automation_publish', { definition: twice });
    const token = h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['automation:post_twice', 'runs:read'] });
    const agent = await connect(h.platform, token);
    try {
      const rates = async (): Promise<unknown[]> => (await callOk<Plan>(agent, 'post_twice', { invoiceId: 'inv-1', amount: 1, dryRun: true })).steps.map((step) => step['rate']);
      // The bucket holds one call: two planned calls, and two dry runs, would have emptied it had a peek taken anything.
      expect([...(await rates()), ...(await rates())]).toEqual(Array(4).fill({ heldBack: false, retryAfterMs: 0 }));
      expect(fixture.requests).toHaveLength(0);
      const { runId } = await callOk<{ runId: string }>(agent, 'post_twice', { invoiceId: 'inv-live', amount: 1 });
      // The live run's first call takes the only token; its second waits its turn (20 s).
      await waitForRun(agent, runId, (run) => run.steps[0]?.status === 'succeeded');
      const held = await rates();
      expect(held).toEqual([{ heldBack: true, retryAfterMs: expect.any(Number) }, { heldBack: true, retryAfterMs: expect.any(Number) }]);
      expect((held[0] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
      expect(fixture.requests.map((request) => request.path)).toEqual(['/ledger/inv-live/1']);
    } finally {
      await agent.close();
    }
  });
});
