import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { rest, type RestAnswer } from './support/rest.js';
import { waitForRun } from './support/runs.js';
import { until } from './support/until.js';

const SECRET = 'sk_live_CHAT_5ecr3t_never_shown';
const ADMIN = ['connectors:admin', 'automations:admin', 'groups:admin', 'groups:read'];
const DECIDER = ['approvals:decide', 'runs:read'];
const PROMPT_MARK = 'INV-7731';

/** Reminders every 2 s and an escalation to cfo at 6 s, both to the chat connector; the approval itself goes to finance. */
const payInvoice = {
  name: 'pay_invoice', title: 'Pay an invoice', description: 'Pays after finance approves.',
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps: [{
    id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}} for {{input.invoiceId}}?', timeoutSeconds: 120,
    approvers: { group: 'finance' }, reminders: { everySeconds: 2 }, escalation: { afterSeconds: 6, group: 'cfo' }, notify: { connector: 'chat', path: '/hooks/approvals' },
  }],
};

interface Approval { approvalId: string; runId: string; offeredBy: string | null }

describe.each(['sqlite', 'postgres'] as const)('approval reminders, escalation and approver groups on %s', (kind) => {
  let h: PlatformHarness;
  let chat: FixtureServer;
  let admin: Client;
  let alice: Client;
  let bob: Client;
  let carol: Client;
  let dave: Client;
  let intruder: Client;
  let adminToken: string;
  let carolToken: string;
  let intruderToken: string;
  let restarted: PlatformProcess | undefined;
  const tenant = `remind-${kind}`;
  const other = `remind-other-${kind}`;
  const events = (tenantId = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId }));
  const api = (method: string, path: string, token: string, body?: unknown): Promise<RestAnswer> => rest(h.platform.url, method, path, token, body);
  const codeOf = (answer: RestAnswer): unknown => (answer.body.error as { code?: string } | undefined)?.code;
  const notices = (runId: string): FixtureRequest[] => chat.requests.filter((request) => (request.body as { runId?: string } | undefined)?.runId === runId);

  beforeAll(async () => {
    chat = await startFixtureServer();
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant, groups?: string[]): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes, ...(groups && { groups }) });
    adminToken = mint('root', ADMIN);
    carolToken = mint('carol', DECIDER);
    intruderToken = mint('mallory', [...ADMIN, ...DECIDER, 'automation:pay_invoice'], other, ['finance', 'cfo']);
    admin = await connect(h.platform, adminToken);
    // alice is in finance too: the starter is refused all the same.
    alice = await connect(h.platform, mint('alice', ['automation:pay_invoice', 'runs:cancel', ...DECIDER], tenant, ['finance']));
    bob = await connect(h.platform, mint('bob', DECIDER, tenant, ['finance']));
    carol = await connect(h.platform, carolToken);
    dave = await connect(h.platform, mint('dave', DECIDER, tenant, ['sales']));
    intruder = await connect(h.platform, intruderToken);
    const config = { baseUrl: chat.url, allowedHosts: [new URL(chat.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000, rateLimit: { perSecond: 100, burst: 100 } };
    await callOk(admin, 'connector_register', { name: 'chat', config });
    await callOk(admin, 'connector_secret_set', { name: 'chat', secret: SECRET });
  });
  afterAll(async () => {
    for (const client of [admin, alice, bob, carol, dave, intruder]) await client?.close().catch(() => undefined);
    await restarted?.stop();
    await h?.stop();
    await chat?.close();
  });

  it('refuses bad definitions and bad group input with typed errors and positions, appending nothing', async () => {
    const before = await events();
    const step = payInvoice.steps[0]!;
    const { notify: _notify, ...silent } = step;
    const broken = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: { ...payInvoice, steps: [{ ...silent, reminders: { everySeconds: 200 }, escalation: { afterSeconds: 120, group: 'cfo' } }] } } }));
    expect(broken.code).toBe('automation.invalid');
    expect(broken.details?.issues).toEqual(expect.arrayContaining([
      { path: 'steps.0.notify', message: expect.stringMatching(/required when reminders or escalation are declared/) },
      { path: 'steps.0.reminders.everySeconds', message: expect.stringMatching(/not before timeoutSeconds \(120\)/) },
      { path: 'steps.0.escalation.afterSeconds', message: expect.stringMatching(/expire before it escalates/) },
    ]));
    const unknownConnector = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: { ...payInvoice, steps: [{ ...step, notify: { connector: 'pager' } }] } } }));
    expect(unknownConnector.details?.issues).toEqual([{ path: 'steps.0.notify.connector', message: expect.stringMatching(/unknown connector pager/) }]);

    expect(errorOf(await admin.callTool({ name: 'group_set', arguments: { group: 'bad name', members: ['carol'] } })).code).toBe('group.invalid_name');
    expect(errorOf(await admin.callTool({ name: 'group_set', arguments: { group: 'cfo', members: ['car ol'] } })).code).toBe('group.invalid_members');
    expect(errorOf(await admin.callTool({ name: 'group_set', arguments: { group: 'cfo' } })).code).toBe('tool.invalid_arguments');
    expect(errorOf(await admin.callTool({ name: 'group_list', arguments: { tenantId: other } })).code).toBe('tool.invalid_arguments');
    for (const [path, body, code] of [
      ['/v1/groups/bad$name', { members: ['carol'] }, 'group.invalid_name'],
      ['/v1/groups/cfo', { members: ['car\u0000ol'] }, 'group.invalid_members'],
      ['/v1/groups/cfo', { members: 'carol' }, 'request.invalid'],
      ['/v1/groups/cfo', { members: ['carol'], tenantId: other }, 'request.invalid'],
    ] as const) {
      const answer = await api('PUT', path, adminToken, body);
      expect([path, answer.status, codeOf(answer)]).toEqual([path, 400, code]);
    }
    expect((await api('PUT', '/v1/groups/cfo', carolToken, { members: ['carol'] })).status).toBe(403);
    expect((await api('GET', '/v1/groups', carolToken)).status).toBe(403);
    await expect(carol.callTool({ name: 'group_set', arguments: { group: 'cfo', members: ['carol'] } })).rejects.toThrow(/insufficient_scope/);
    const after = await events();
    expect(after).toHaveLength(before.length);
    expect(JSON.stringify(after)).not.toContain(SECRET);
  });

  it('reminds at its times, escalates once, lets only group members decide, and stops after the decision', async () => {
    expect(await callOk(admin, 'automation_publish', { definition: payInvoice })).toMatchObject({ version: 1 });
    expect(await callOk(admin, 'group_set', { group: 'cfo', members: ['carol', 'carol', 'erin'] })).toEqual({ group: 'cfo', members: ['carol', 'erin'], changed: true });
    expect(await callOk(admin, 'group_set', { group: 'cfo', members: ['erin', 'carol'] })).toMatchObject({ changed: false });
    const listed = await api('GET', '/v1/groups', adminToken);
    expect([listed.status, listed.body]).toEqual([200, { groups: [{ group: 'cfo', members: ['carol', 'erin'] }] }]);

    const startedAt = Date.now();
    const { runId } = await callOk<{ runId: string }>(alice, 'pay_invoice', { invoiceId: PROMPT_MARK, amount: 42 });
    const approvalId = `${runId}.approve`;
    await waitForRun(alice, runId, (run) => run.approval?.status === 'pending');

    // Before the escalation: finance (bob, by his token's claim) may decide; carol (cfo), dave (sales) and alice (the starter) may not.
    const bobs = await callOk<{ approvals: Approval[] }>(bob, 'approval_list', {});
    expect(bobs.approvals).toEqual([expect.objectContaining({ approvalId, offeredBy: 'finance' })]);
    expect((await callOk<{ approvals: Approval[] }>(carol, 'approval_list', {})).approvals).toEqual([]);
    expect((await callOk<{ approvals: Approval[] }>(dave, 'approval_list', {})).approvals).toEqual([]);
    const beforeRefusals = (await events()).length;
    expect(errorOf(await carol.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'cfo says yes' } })).code).toBe('approval.not_an_approver');
    expect(errorOf(await dave.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'why not' } })).code).toBe('approval.not_an_approver');
    expect(errorOf(await alice.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'mine' } })).code).toBe('approval.self_decision');
    const carolRest = await api('POST', `/v1/approvals/${approvalId}/decision`, carolToken, { decision: 'approve', reason: 'rest' });
    expect([carolRest.status, codeOf(carolRest)]).toEqual([403, 'approval.not_an_approver']);
    // The refusals appended nothing: only the saga's own notices came in meanwhile.
    const sagaNotices = ['ApprovalReminderDue', 'ApprovalEscalated', 'ApprovalNotificationStarted', 'ApprovalNotificationSent'];
    expect((await events()).slice(beforeRefusals).filter((event) => !sagaNotices.includes(event.type))).toEqual([]);

    // The escalation (at 6 s) offers it to cfo too: carol now sees it through cfo and decides it.
    await until(() => (notices(runId).some((request) => request.idempotencyKey === `${approvalId}:escalation`) ? true : undefined), 20_000, 'the escalation');
    await until(async () => ((await callOk<{ approvals: Approval[] }>(carol, 'approval_list', {})).approvals.length === 1 ? true : undefined), 10_000, "carol's approval list");
    expect((await callOk<{ approvals: Approval[] }>(carol, 'approval_list', {})).approvals).toEqual([expect.objectContaining({ approvalId, offeredBy: 'cfo' })]);
    const decided = await api('POST', `/v1/approvals/${approvalId}/decision`, carolToken, { decision: 'approve', reason: 'cfo approves' });
    expect(decided.status).toBe(200);
    const run = await waitForRun(alice, runId);
    expect(run).toMatchObject({ status: 'completed', approval: { status: 'granted', decidedBy: 'carol', groups: ['finance', 'cfo'], escalated: true } });

    // Nothing more after the decision.
    const sentBeforeQuiet = notices(runId).length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(notices(runId)).toHaveLength(sentBeforeQuiet);

    const log = (await events()).filter((event) => event.streamId === runId);
    const dues = log.filter((event) => event.type === 'ApprovalReminderDue').map((event) => event.data as { n: number; dueAt: number });
    const escalations = log.filter((event) => event.type === 'ApprovalEscalated');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.data).toMatchObject({ group: 'cfo', dueAt: expect.any(Number) });
    expect(dues.length).toBeGreaterThanOrEqual(2);
    // Once per due time, each at requestedAt + n × 2 s, none early.
    expect(new Set(dues.map((due) => due.n)).size).toBe(dues.length);
    const requestedAt = (log.find((event) => event.type === 'ApprovalRequested')!.data as { requestedAt: number }).requestedAt;
    for (const due of dues) expect(due.dueAt).toBe(requestedAt + due.n * 2000);
    const dueAtOf = new Map(dues.map((due) => [`${approvalId}:reminder:${due.n}`, due.dueAt]));
    for (const request of notices(runId)) if (dueAtOf.has(request.idempotencyKey!)) expect(request.at).toBeGreaterThanOrEqual(dueAtOf.get(request.idempotencyKey!)!);
    expect(requestedAt).toBeGreaterThanOrEqual(startedAt);

    // Every due notice was delivered and recorded sent, once per idempotency key.
    const keys = [...dues.map((due) => `${approvalId}:reminder:${due.n}`), `${approvalId}:escalation`].sort();
    expect(chat.effects().filter((effect) => effect.idempotencyKey.startsWith(approvalId)).map((effect) => effect.idempotencyKey).sort()).toEqual(keys);
    for (const [key, count] of chat.effectCounts()) if (key.includes(approvalId)) expect(count).toBe(1);
    const sent = log.filter((event) => event.type === 'ApprovalNotificationSent').map((event) => `${approvalId}:${(event.data as { notice: string }).notice}`);
    expect(sent.sort()).toEqual(keys);

    // What the downstream got: the rendered document with the link, the connector's secret in its header.
    const escalation = notices(runId).find((request) => request.idempotencyKey === `${approvalId}:escalation`)!;
    expect(escalation).toMatchObject({ method: 'POST', path: '/hooks/approvals', headers: expect.objectContaining({ authorization: `Bearer ${SECRET}` }) });
    expect(escalation.body).toEqual({
      kind: 'approval.escalation', approvalId, runId, automation: 'pay_invoice', stepId: 'approve', prompt: `Pay 42 for ${PROMPT_MARK}?`, groups: ['finance', 'cfo'], n: null,
      dueAt: new Date(requestedAt + 6000).toISOString(), deadlineAt: new Date(requestedAt + 120_000).toISOString(), link: `${h.platform.url}/console/approvals/${encodeURIComponent(approvalId)}`,
    });
    const first = notices(runId).find((request) => request.idempotencyKey === `${approvalId}:reminder:1`);
    expect(first?.body).toMatchObject({ kind: 'approval.reminder', n: 1, groups: ['finance'] });

    // The prompt (run data) and the secret never appear in plaintext in the log; the timeline shows the notices.
    const all = JSON.stringify(await events());
    expect(all).not.toContain(PROMPT_MARK);
    expect(all).not.toContain(SECRET);
    const timeline = await api('GET', `/v1/runs/${runId}/events`, h.issuer.mint({ tenantId: tenant, userId: 'alice', clientId: 'claude', scopes: ['runs:read'] }));
    expect(timeline.status).toBe(200);
    expect(JSON.stringify(timeline.body)).toMatch(/ApprovalReminderDue[\s\S]*ApprovalEscalated[\s\S]*ApprovalNotificationSent/);
  });

  it('lists the notices a dry run would send, and sends none', async () => {
    const sentBefore = chat.requests.length;
    const before = (await events()).length;
    const plan = await callOk<{ outcome: string; steps: Array<Record<string, unknown>> }>(alice, 'pay_invoice', { invoiceId: 'INV-DRY', amount: 5, dryRun: true });
    expect(plan.outcome).toBe('completed');
    expect(plan.steps[0]).toMatchObject({
      type: 'approval', approvers: { scope: 'approvals:decide', notUser: 'alice', group: 'finance' }, assumed: 'granted',
      notices: expect.arrayContaining([
        expect.objectContaining({ kind: 'reminder', connector: 'chat', path: '/hooks/approvals', n: 1 }),
        expect.objectContaining({ kind: 'escalation', connector: 'chat', group: 'cfo', n: null }),
      ]),
    });
    expect((plan.steps[0]!.notices as unknown[]).length).toBe(11);
    expect(chat.requests.length).toBe(sentBefore);
    expect((await events()).slice(before).map((event) => event.type)).toEqual(['DryRunPlanned']);
  });

  it('keeps groups, approvals and decisions inside the tenant', async () => {
    const { runId } = await callOk<{ runId: string }>(alice, 'pay_invoice', { invoiceId: 'INV-2', amount: 7 });
    const approvalId = `${runId}.approve`;
    await waitForRun(alice, runId, (run) => run.approval?.status === 'pending');
    const before = await events();

    // mallory holds every scope and both groups, in another tenant: none of it reaches this one.
    expect(await callOk(intruder, 'group_list', {})).toEqual({ groups: [] });
    expect(await callOk(intruder, 'group_set', { group: 'cfo', members: ['mallory'] })).toMatchObject({ changed: true });
    expect((await api('GET', '/v1/groups', intruderToken)).body).toEqual({ groups: [{ group: 'cfo', members: ['mallory'] }] });
    expect((await api('PUT', '/v1/groups/finance', intruderToken, { members: ['mallory'] })).status).toBe(200);
    expect((await api('GET', '/v1/groups', adminToken)).body).toEqual({ groups: [{ group: 'cfo', members: ['carol', 'erin'] }] });
    expect((await callOk<{ approvals: Approval[] }>(intruder, 'approval_list', {})).approvals).toEqual([]);
    expect(errorOf(await intruder.callTool({ name: 'approval_decide', arguments: { approvalId, decision: 'approve', reason: 'mine now' } })).code).toBe('approval.not_found');
    expect(errorOf(await intruder.callTool({ name: 'run_get', arguments: { runId } })).code).toBe('run.not_found');
    const viaRest = await api('POST', `/v1/approvals/${approvalId}/decision`, intruderToken, { decision: 'approve', reason: 'mine now' });
    expect([viaRest.status, codeOf(viaRest)]).toEqual([404, 'approval.not_found']);
    const listedByIntruder = await api('GET', '/v1/approvals', intruderToken);
    expect(listedByIntruder.body).toEqual({ approvals: [], nextCursor: null });
    const afterAttempts = (await events()).slice(before.length);
    expect(afterAttempts.filter((event) => event.streamId !== runId || ['ApprovalGranted', 'ApprovalDenied'].includes(event.type))).toEqual([]);
    expect((await callOk<{ approvals: Approval[] }>(bob, 'approval_list', {})).approvals.map((approval) => approval.approvalId)).toContain(approvalId);
    // The other tenant's lists gave carol nothing here, nor mallory anything there; a cancellation ends the reminders.
    expect((await callOk<{ approvals: Approval[] }>(carol, 'approval_list', {})).approvals).toEqual([]);
    await callOk(alice, 'run_cancel', { runId, reason: 'done testing' });
    await waitForRun(alice, runId);
    const quiet = notices(runId).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(notices(runId)).toHaveLength(quiet);
  });

  it('records a notice the connector keeps refusing as failed after its retries, and the run waits on and completes', async () => {
    chat.respond('/down', { status: 503 });
    const noisy = { ...payInvoice, name: 'pay_noisy', steps: [{ id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}}?', timeoutSeconds: 120, approvers: { group: 'finance' }, reminders: { everySeconds: 1 }, notify: { connector: 'chat', path: '/down' } }] };
    await callOk(admin, 'automation_publish', { definition: noisy });
    const starter = await connect(h.platform, h.issuer.mint({ tenantId: tenant, userId: 'alice', clientId: 'claude', scopes: ['automation:pay_noisy', 'runs:read'] }));
    const { runId } = await callOk<{ runId: string }>(starter, 'pay_noisy', { invoiceId: 'INV-3', amount: 3 });
    const failures = async (): Promise<RecordedEvent[]> => (await events()).filter((event) => event.streamId === runId && event.type === 'ApprovalNotificationFailed');
    // Reminder 1: four attempts, the last one giving up (retryAt null).
    await until(async () => ((await failures()).some((event) => (event.data as { notice: string; retryAt: number | null }).notice === 'reminder:1' && (event.data as { retryAt: number | null }).retryAt === null) ? true : undefined), 30_000, 'reminder 1 given up');
    const first = (await failures()).filter((event) => (event.data as { notice: string }).notice === 'reminder:1').map((event) => event.data as { attempt: number; code: string; retryAt: number | null });
    expect(first.map((failure) => failure.attempt)).toEqual([1, 2, 3, 4]);
    expect(first.map((failure) => failure.retryAt === null)).toEqual([false, false, false, true]);
    expect(chat.requests.filter((request) => request.idempotencyKey === `${runId}.approve:reminder:1`)).toHaveLength(4);
    expect((await callOk<{ status: string }>(starter, 'run_get', { runId })).status).toBe('running');
    await callOk(bob, 'approval_decide', { approvalId: `${runId}.approve`, decision: 'approve', reason: 'despite the noise' });
    expect(await waitForRun(starter, runId)).toMatchObject({ status: 'completed', lastError: null });
    await starter.close();
    expect(JSON.stringify(await failures())).not.toContain(SECRET);
  });

  // Last: it kills the platform.
  it('sends a reminder that fell due while the platform was down once it is back, once', async () => {
    const quiet = { ...payInvoice, name: 'pay_later', steps: [{ id: 'approve', type: 'approval', prompt: 'Pay {{input.amount}}?', timeoutSeconds: 120, reminders: { everySeconds: 4 }, notify: { connector: 'chat' } }] };
    await callOk(admin, 'automation_publish', { definition: quiet });
    const starter = h.issuer.mint({ tenantId: tenant, userId: 'alice', clientId: 'claude', scopes: ['automation:pay_later', 'runs:read', 'runs:cancel'] });
    const before = await connect(h.platform, starter);
    const { runId } = await callOk<{ runId: string }>(before, 'pay_later', { invoiceId: 'INV-9', amount: 9 });
    await waitForRun(before, runId, (run) => run.approval?.status === 'pending');
    await before.close();
    await h.platform.kill();
    const killedAt = Date.now();
    // Down past the first reminder's time: only the schedule in the log knows it is due.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(notices(runId)).toEqual([]);
    const port = new URL(h.platform.url).port;
    restarted = await startPlatform({ LEDGERLINE_DATA_DIR: h.platform.dataDir, LEDGERLINE_PORT: port, ...(h.databaseUrl && { LEDGERLINE_EVENT_STORE: 'postgres', DATABASE_URL: h.databaseUrl, LEDGERLINE_PG_POOL_SIZE: '4' }) });
    const backAt = Date.now();
    const after = await connect(restarted, starter);
    await until(() => (notices(runId).length > 0 ? true : undefined), 15_000, 'the reminder after the restart');
    await callOk(after, 'run_cancel', { runId, reason: 'seen' });
    await waitForRun(after, runId);
    await after.close();
    const log = (await events()).filter((event) => event.streamId === runId);
    const dues = log.filter((event) => event.type === 'ApprovalReminderDue').map((event) => event.data as { n: number; dueAt: number });
    // The first one sent fell due while the platform was down (the latest due then, not the backlog); each due time once, each sent once.
    expect(dues[0]!.dueAt).toBeGreaterThan(killedAt);
    expect(dues[0]!.dueAt).toBeLessThan(backAt);
    expect(new Set(dues.map((due) => due.n)).size).toBe(dues.length);
    const keys = dues.map((due) => `${runId}.approve:reminder:${due.n}`);
    const sent = log.filter((event) => event.type === 'ApprovalNotificationSent').map((event) => `${runId}.approve:${(event.data as { notice: string }).notice}`);
    expect(sent).toEqual(keys.slice(0, sent.length));
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(chat.effects().filter((effect) => effect.idempotencyKey.startsWith(runId)).map((effect) => effect.idempotencyKey)).toEqual(sent);
  });
});
