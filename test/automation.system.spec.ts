import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { findChainBreak, type RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { waitForRun, type RunView } from './support/runs.js';
import { scanForSecret } from './support/secret-scan.js';

const SECRET_V1 = 'sk_live_FIRST_5ecr3t_d0_not_leak';
const SECRET_V2 = 'sk_live_SECOND_r0tated_s3cret';
const SECRET_V3 = 'sk_live_THIRD_r0tated_again';
const ADMIN_SCOPES = ['connectors:admin', 'automations:admin', 'connectors:read'];
const AGENT_SCOPES = ['automation:pay_invoice', 'automation:guarded_payment', 'automation:refundable', 'runs:read', 'runs:cancel', 'connectors:read'];

const payInvoice = {
  name: 'pay_invoice',
  title: 'Pay an invoice',
  description: 'Pays an invoice, then notifies the ledger.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [
    { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/invoices/{{input.invoiceId}}/pay', body: { amount: '{{input.amount}}' } }, retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 200 } },
    { id: 'notify', type: 'call', connector: 'billing', request: { method: 'POST', path: '/ledger', body: { invoice: '{{input.invoiceId}}', payment: '{{steps.pay.output.body.id}}' } } },
  ],
};

const guardedPayment = {
  name: 'guarded_payment',
  title: 'Pay after approval',
  description: 'Asks a human before paying.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, approvalSeconds: { type: 'number' } }, required: ['invoiceId'] },
  steps: [
    { id: 'approve', type: 'approval', prompt: 'Pay invoice {{input.invoiceId}}?', timeoutSeconds: 2 },
    { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/guarded/{{input.invoiceId}}' } },
  ],
};

const refundable = {
  name: 'refundable',
  title: 'Charge, wait, then ship',
  description: 'Charges, waits a minute, ships; a cancellation refunds the charge.',
  inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  steps: [
    {
      id: 'charge', type: 'call', connector: 'billing', request: { method: 'POST', path: '/charges/{{input.orderId}}' },
      compensate: { connector: 'billing', request: { method: 'POST', path: '/refunds/{{input.orderId}}', body: { charge: '{{steps.charge.output.body.id}}' } } },
    },
    { id: 'cool_off', type: 'wait', seconds: 60 },
    { id: 'ship', type: 'call', connector: 'billing', request: { method: 'POST', path: '/ship/{{input.orderId}}' } },
  ],
};

describe.each(['sqlite', 'postgres'] as const)('automations, connectors and runs on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let alice: Client;
  let bob: Client;
  let intruder: Client;
  const tenant = `acme-${kind}`;
  const results: unknown[] = [];

  const tenantEvents = (): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: tenant }));
  const start = async (client: Client, name: string, input: Record<string, unknown>): Promise<string> => {
    const started = await callOk<{ runId: string; status: string }>(client, name, input);
    results.push(started);
    expect(started.status).toBe('running');
    return started.runId;
  };
  const finish = async (client: Client, runId: string): Promise<RunView> => {
    const run = await waitForRun(client, runId);
    results.push(run);
    return run;
  };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes });
    admin = await connect(h.platform, mint('root', ADMIN_SCOPES));
    alice = await connect(h.platform, mint('alice', AGENT_SCOPES));
    bob = await connect(h.platform, mint('bob', ['approvals:decide', 'runs:read']));
    intruder = await connect(h.platform, mint('mallory', [...AGENT_SCOPES, ...ADMIN_SCOPES, 'approvals:decide', 'runs:admin'], `globex-${kind}`));
  });
  afterAll(async () => {
    for (const client of [admin, alice, bob, intruder]) await client?.close();
    await h?.stop();
    await fixture?.close();
  });

  it('refuses a connector whose base URL is off its allow-list, and bad configs, appending nothing', async () => {
    const before = await tenantEvents();
    const offList = errorOf(await admin.callTool({ name: 'connector_register', arguments: { name: 'billing', config: { baseUrl: 'http://169.254.169.254/latest', allowedHosts: ['127.0.0.1'] } } }));
    expect(offList.code).toBe('connector.invalid_config');
    expect(offList.message).toMatch(/baseUrl/);
    const noSecretSlot = errorOf(await admin.callTool({ name: 'connector_register', arguments: { name: 'billing', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer' } } } }));
    expect(noSecretSlot.code).toBe('connector.invalid_config');
    expect(errorOf(await admin.callTool({ name: 'connector_register', arguments: { name: 'Bad Name', config: {} } })).code).toBe('connector.invalid_name');
    expect(errorOf(await admin.callTool({ name: 'connector_secret_set', arguments: { name: 'billing', secret: SECRET_V1 } })).code).toBe('connector.not_found');
    const badSecret = await admin.callTool({ name: 'connector_secret_set', arguments: { name: 'billing', secret: `${SECRET_V1}\nInjected: header` } });
    expect(errorOf(badSecret).code).toBe('connector.invalid_secret');
    expect(JSON.stringify(badSecret)).not.toContain(SECRET_V1);
    expect(await tenantEvents()).toHaveLength(before.length);
    expect(fixture.requests).toHaveLength(0);
  });

  it('registers a connector with a sealed secret that agents see by name and health only', async () => {
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000, rateLimit: { perSecond: 1000, burst: 1000 } };
    expect(await callOk(admin, 'connector_register', { name: 'billing', description: 'Billing API', config })).toEqual({ name: 'billing', created: true, changed: true });
    expect(await callOk(admin, 'connector_register', { name: 'billing', description: 'Billing API', config })).toEqual({ name: 'billing', created: false, changed: false });
    expect(await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET_V1 })).toEqual({ name: 'billing', secretVersion: 1 });
    const { connectors } = await callOk<{ connectors: Array<Record<string, unknown>> }>(alice, 'connector_list');
    expect(connectors).toEqual([expect.objectContaining({ name: 'billing', description: 'Billing API', hasSecret: true, health: expect.objectContaining({ status: 'unknown' }) })]);
    expect(JSON.stringify(connectors)).not.toContain(fixture.url);
    expect((await alice.listTools()).tools.map((t) => t.name)).not.toContain('connector_register');
    const rotated = (await tenantEvents()).find((e) => e.type === 'ConnectorSecretRotated')!;
    expect(JSON.stringify(rotated)).not.toContain(SECRET_V1);
  });

  it('validates a definition on publishing, listing every problem by path, appending nothing', async () => {
    const before = await tenantEvents();
    const broken = { ...payInvoice, name: 'run_things', steps: [{ id: 'a', type: 'call', connector: 'nope', request: { method: 'POST', path: '/x/{{secret}}' } }, { id: 'a', type: 'wait' }] };
    const error = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: broken } }));
    expect(error.code).toBe('automation.invalid');
    const paths = (error.details!.issues as Array<{ path: string }>).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'steps.0.connector', 'steps.0.request.path']));
    expect(paths.some((path) => path.startsWith('steps.1'))).toBe(true);
    expect(await tenantEvents()).toHaveLength(before.length);
  });

  it('publishes automations as tools of the tenant, each behind its own scope', async () => {
    for (const definition of [payInvoice, guardedPayment, refundable]) {
      expect(await callOk(admin, 'automation_publish', { definition })).toMatchObject({ name: definition.name, version: 1, changed: true, scope: `automation:${definition.name}` });
    }
    expect(await callOk(admin, 'automation_publish', { definition: payInvoice })).toMatchObject({ version: 1, changed: false });
    const tools = (await alice.listTools()).tools;
    const tool = tools.find((t) => t.name === 'pay_invoice')!;
    expect(tool.inputSchema).toMatchObject({ required: ['invoiceId', 'amount'] });
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['pay_invoice', 'guarded_payment', 'refundable', 'run_get', 'run_list', 'run_cancel']));
    const narrow = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['automation:pay_invoice'] }));
    expect((await narrow.listTools()).tools.map((t) => t.name)).toEqual(['pay_invoice']);
    await narrow.close();
    expect((await intruder.listTools()).tools.map((t) => t.name)).not.toContain('pay_invoice');
  });

  it('runs a published automation to completion: one effect per step, the secret injected, a stable idempotency key', async () => {
    const runId = await start(alice, 'pay_invoice', { invoiceId: 'inv-1', amount: 42 });
    const run = await finish(alice, runId);
    expect(run.status).toBe('completed');
    expect(run.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([['pay', 'succeeded', 1], ['notify', 'succeeded', 1]]);
    const pay = fixture.requests.find((r) => r.path === '/invoices/inv-1/pay')!;
    expect(pay.headers.authorization).toBe(`Bearer ${SECRET_V1}`);
    expect(pay.idempotencyKey).toBe(`${runId}:pay`);
    expect(pay.body).toEqual({ amount: 42 });
    const notify = fixture.requests.find((r) => r.path === '/ledger' && (r.body as { invoice: string }).invoice === 'inv-1')!;
    expect((notify.body as { payment: unknown }).payment).toEqual((run.steps[0]!.output as { body: { id: unknown } }).body.id);
    const types = (await collect(h.store.readAll({ tenantId: tenant }))).filter((e) => e.streamId === runId).map((e) => e.type);
    expect(types).toEqual(['RunStarted', 'StepStarted', 'StepSucceeded', 'StepStarted', 'StepSucceeded', 'RunCompleted']);
    const { runs } = await callOk<{ runs: Array<{ runId: string; status: string }> }>(alice, 'run_list');
    expect(runs[0]).toMatchObject({ runId, status: 'completed' });
    const { connectors } = await callOk<{ connectors: Array<{ health: { status: string; callsOk: number } }> }>(alice, 'connector_list');
    expect(connectors[0]!.health).toMatchObject({ status: 'healthy', callsOk: 2 });
  });

  it('retries 5xx with back-off and honours 429 Retry-After, with the same idempotency key every time', async () => {
    fixture.script('/invoices/inv-flaky/pay', [{ status: 500 }, { status: 503 }]);
    const flaky = await finish(alice, await start(alice, 'pay_invoice', { invoiceId: 'inv-flaky', amount: 1 }));
    expect(flaky.status).toBe('completed');
    expect(flaky.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    const attempts = fixture.requests.filter((r) => r.path === '/invoices/inv-flaky/pay');
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);

    fixture.script('/invoices/inv-busy/pay', [{ status: 429, retryAfter: '1' }]);
    const busy = await finish(alice, await start(alice, 'pay_invoice', { invoiceId: 'inv-busy', amount: 1 }));
    expect(busy.status).toBe('completed');
    const [first, second] = fixture.requests.filter((r) => r.path === '/invoices/inv-busy/pay');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);

    fixture.script('/invoices/inv-bad/pay', [{ status: 422, body: { error: 'amount too large' } }]);
    const bad = await finish(alice, await start(alice, 'pay_invoice', { invoiceId: 'inv-bad', amount: 1 }));
    expect(bad.status).toBe('failed');
    expect(bad.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(fixture.requests.filter((r) => r.path === '/invoices/inv-bad/pay')).toHaveLength(1);

    fixture.script('/invoices/inv-down/pay', [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    const down = await finish(alice, await start(alice, 'pay_invoice', { invoiceId: 'inv-down', amount: 1 }));
    expect(down).toMatchObject({ status: 'failed', lastError: expect.objectContaining({ code: 'step.attempts_exhausted' }) });
    expect(fixture.requests.filter((r) => r.path === '/invoices/inv-down/pay')).toHaveLength(4);
  });

  it('refuses bad run input before anything is appended or called', async () => {
    const before = await tenantEvents();
    const requests = fixture.requests.length;
    const error = errorOf(await alice.callTool({ name: 'pay_invoice', arguments: { invoiceId: 7, extra: true } }));
    expect(error.code).toBe('tool.invalid_arguments');
    expect(error.message).toMatch(/invoiceId|amount/);
    expect(errorOf(await alice.callTool({ name: 'run_get', arguments: { runId: 'run-../../etc' } })).code).toBe('run.invalid_id');
    expect(await tenantEvents()).toHaveLength(before.length);
    expect(fixture.requests).toHaveLength(requests);
  });

  it('parks a run at an approval gate that another user decides; the requester cannot', async () => {
    const runId = await start(alice, 'guarded_payment', { invoiceId: 'g-1' });
    const parked = await waitForRun(alice, runId, (run) => run.approval?.status === 'pending');
    const { approvals } = await callOk<{ approvals: Array<{ approvalId: string; prompt: string; requestedBy: string }> }>(bob, 'approval_list');
    const approval = approvals.find((a) => a.approvalId === parked.approval!.approvalId)!;
    expect(approval).toMatchObject({ prompt: 'Pay invoice g-1?', requestedBy: 'alice' });
    const self = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['approvals:decide'] }));
    expect(errorOf(await self.callTool({ name: 'approval_decide', arguments: { approvalId: approval.approvalId, decision: 'approve', reason: 'mine' } })).code).toBe('approval.self_decision');
    expect((await callOk<{ approvals: unknown[] }>(self, 'approval_list')).approvals).toEqual([]);
    await self.close();
    expect(fixture.requests.some((r) => r.path === '/guarded/g-1')).toBe(false);
    await callOk(bob, 'approval_decide', { approvalId: approval.approvalId, decision: 'approve', reason: 'budget ok' });
    const done = await finish(alice, runId);
    expect(done).toMatchObject({ status: 'completed', approval: { status: 'granted', decidedBy: 'bob', reason: 'budget ok' } });
    expect(fixture.effects().filter((e) => e.path === '/guarded/g-1')).toHaveLength(1);
    const granted = (await tenantEvents()).find((e) => e.streamId === runId && e.type === 'ApprovalGranted')!;
    expect(granted.data).toMatchObject({ decidedBy: 'bob', reason: 'budget ok' });
    expect(granted.metadata).toMatchObject({ userId: 'bob', tool: 'approval_decide' });

    const deniedId = await start(alice, 'guarded_payment', { invoiceId: 'g-2' });
    const waiting = await waitForRun(alice, deniedId, (run) => run.approval?.status === 'pending');
    await callOk(bob, 'approval_decide', { approvalId: waiting.approval!.approvalId, decision: 'deny', reason: 'not this one' });
    expect(await finish(alice, deniedId)).toMatchObject({ status: 'failed', approval: { status: 'denied' }, lastError: expect.objectContaining({ code: 'approval.denied' }) });

    const expiredId = await start(alice, 'guarded_payment', { invoiceId: 'g-3' });
    const expired = await finish(alice, expiredId);
    expect(expired).toMatchObject({ status: 'failed', approval: { status: 'expired' }, lastError: expect.objectContaining({ code: 'approval.expired' }) });
    expect(errorOf(await bob.callTool({ name: 'approval_decide', arguments: { approvalId: expired.approval!.approvalId, decision: 'approve', reason: 'late' } })).code).toBe('approval.not_pending');
    expect(fixture.requests.some((r) => r.path === '/guarded/g-2' || r.path === '/guarded/g-3')).toBe(false);
  });

  it('cancels a run: pending steps skipped, the charge refunded, the reason recorded', async () => {
    const runId = await start(alice, 'refundable', { orderId: 'o-1' });
    await waitForRun(alice, runId, (run) => run.steps.find((s) => s.id === 'cool_off')!.status === 'waiting');
    expect(await callOk(alice, 'run_cancel', { runId, reason: 'customer changed their mind' })).toMatchObject({ runId });
    const run = await finish(alice, runId);
    expect(run.status).toBe('cancelled');
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([['charge', 'succeeded'], ['cool_off', 'skipped'], ['ship', 'skipped']]);
    const refund = fixture.requests.filter((r) => r.path === '/refunds/o-1');
    expect(refund).toHaveLength(1);
    expect(refund[0]!.idempotencyKey).toBe(`${runId}:charge:compensate`);
    expect(fixture.requests.some((r) => r.path === '/ship/o-1')).toBe(false);
    const cancelled = (await tenantEvents()).find((e) => e.streamId === runId && e.type === 'RunCancelled')!;
    expect(cancelled.data).toEqual({ reason: 'customer changed their mind', requestedBy: 'alice', compensated: ['charge'], compensationFailed: [] });
    expect(errorOf(await alice.callTool({ name: 'run_cancel', arguments: { runId, reason: 'again' } })).code).toBe('run.finished');
  });

  it('records and compensates a call that was under way when the cancellation came', async () => {
    fixture.script('/charges/o-2', [{ status: 200, hangMs: 800 }]);
    const runId = await start(alice, 'refundable', { orderId: 'o-2' });
    await waitForRun(alice, runId, (run) => run.steps[0]!.status === 'running');
    await callOk(alice, 'run_cancel', { runId, reason: 'too slow' });
    const run = await finish(alice, runId);
    expect(run.status).toBe('cancelled');
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([['charge', 'succeeded'], ['cool_off', 'skipped'], ['ship', 'skipped']]);
    expect(fixture.effects().filter((e) => e.path === '/refunds/o-2')).toHaveLength(1);
  });

  it('keeps an old secret version for the runs that hold it, then retires it', async () => {
    const heldId = await start(alice, 'guarded_payment', { invoiceId: 'rot-1' });
    const parked = await waitForRun(alice, heldId, (run) => run.approval?.status === 'pending');
    expect(await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET_V2 })).toEqual({ name: 'billing', secretVersion: 2 });
    const freshRun = await finish(alice, await start(alice, 'pay_invoice', { invoiceId: 'rot-2', amount: 5 }));
    expect(freshRun.status).toBe('completed');
    expect(fixture.requests.find((r) => r.path === '/invoices/rot-2/pay')!.headers.authorization).toBe(`Bearer ${SECRET_V2}`);
    expect((await tenantEvents()).some((e) => e.type === 'ConnectorSecretRetired')).toBe(false);
    await callOk(bob, 'approval_decide', { approvalId: parked.approval!.approvalId, decision: 'approve', reason: 'ok' });
    expect((await finish(alice, heldId)).status).toBe('completed');
    expect(fixture.requests.find((r) => r.path === '/guarded/rot-1')!.headers.authorization).toBe(`Bearer ${SECRET_V1}`);
    const deadline = Date.now() + 10_000;
    while (!(await tenantEvents()).some((e) => e.type === 'ConnectorSecretRetired') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await tenantEvents()).filter((e) => e.type === 'ConnectorSecretRetired').map((e) => e.data)).toEqual([{ name: 'billing', version: 1 }]);

    // No run holds version 2: rotating again retires it at once.
    expect(await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET_V3 })).toEqual({ name: 'billing', secretVersion: 3 });
    const retiredBy = Date.now() + 10_000;
    while ((await tenantEvents()).filter((e) => e.type === 'ConnectorSecretRetired').length < 2 && Date.now() < retiredBy) await new Promise((r) => setTimeout(r, 50));
    expect((await tenantEvents()).filter((e) => e.type === 'ConnectorSecretRetired').map((e) => e.data)).toEqual([{ name: 'billing', version: 1 }, { name: 'billing', version: 2 }]);
  });

  it('keeps every tool and run of the tenant out of another tenant\'s reach', async () => {
    const { runs } = await callOk<{ runs: Array<{ runId: string }> }>(alice, 'run_list', { limit: 1 });
    const runId = runs[0]!.runId;
    const before = await tenantEvents();
    expect(errorOf(await intruder.callTool({ name: 'pay_invoice', arguments: { invoiceId: 'x', amount: 1 } })).code).toBe('tool.unknown');
    expect(errorOf(await intruder.callTool({ name: 'run_get', arguments: { runId } })).code).toBe('run.not_found');
    expect(errorOf(await intruder.callTool({ name: 'run_cancel', arguments: { runId, reason: 'x' } })).code).toBe('run.not_found');
    expect(errorOf(await intruder.callTool({ name: 'approval_decide', arguments: { approvalId: `${runId}.approve`, decision: 'approve', reason: 'x' } })).code).toBe('approval.not_found');
    expect(await callOk(intruder, 'run_list', { allUsers: true })).toEqual({ runs: [], nextCursor: null });
    expect(await callOk(intruder, 'approval_list')).toEqual({ approvals: [], nextCursor: null });
    expect(await callOk(intruder, 'connector_list')).toEqual({ connectors: [] });
    expect(await callOk(intruder, 'automation_list')).toEqual({ automations: [] });
    expect(errorOf(await intruder.callTool({ name: 'connector_secret_set', arguments: { name: 'billing', secret: 'stolen' } })).code).toBe('connector.not_found');
    expect(await tenantEvents()).toHaveLength(before.length);
    const carol = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['runs:read', 'runs:cancel'] }));
    expect(errorOf(await carol.callTool({ name: 'run_get', arguments: { runId } })).code).toBe('run.not_yours');
    expect(await callOk(carol, 'run_list')).toEqual({ runs: [], nextCursor: null });
    await carol.close();
  });

  it('leaves no plaintext secret in events, views, keys, logs or tool results, and the chain verifies', async () => {
    const events = await tenantEvents();
    expect(findChainBreak(events)).toBeUndefined();
    for (const secret of [SECRET_V1, SECRET_V2, SECRET_V3]) {
      const found = await scanForSecret(secret, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: results });
      expect(found).toEqual([]);
    }
  });
});
