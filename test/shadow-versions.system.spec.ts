import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { comparisonIn } from '#automation';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect, errorOf } from './support/mcp-session.js';
import { OpenApiConformance } from './support/openapi-conformance.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest } from './support/rest.js';
import { scanForSecret } from './support/secret-scan.js';

const SECRET = 'sk_live_SHADOW_5ecr3t_never_sent';
const ADMIN_SCOPES = ['connectors:admin', 'connectors:read', 'automations:admin'];
const AGENT_SCOPES = ['automation:pay_invoice', 'runs:read', 'runs:admin'];
const LIVE_RUNS = 200;

const quote = (body: Record<string, unknown>) => ({ id: 'quote', type: 'call', connector: 'billing', request: { method: 'POST', path: '/quotes/{{input.invoiceId}}', body } });
// The pay request reads the quote's answer: a shadow answered by the live response renders the live quote id, one answered by dryRunResponse would not.
const pay = { id: 'pay', type: 'call', connector: 'billing', request: { method: 'POST', path: '/pay', body: { quote: '{{steps.quote.output.body.id}}' } } };
const definitionOf = (steps: unknown[], description = 'Quotes, then pays.') => ({
  name: 'pay_invoice', title: 'Pay an invoice', description,
  inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'], additionalProperties: false },
  steps,
});
const v1 = definitionOf([quote({ amount: '{{input.amount}}' }), pay]);
/** The same requests, worded differently, its quote declaring a dry-run answer that the live answers take the place of. */
const sameRequests = definitionOf([{ ...quote({ amount: '{{input.amount}}' }), dryRunResponse: { status: 201, body: { id: 'dry-quote' } } }, pay], 'Quotes, then pays (reworded).');
/** A field more in the quote, and an approval before paying: nobody may be asked for it. */
const changedField = definitionOf([quote({ amount: '{{input.amount}}', currency: 'EUR' }), { id: 'confirm', type: 'approval', prompt: 'Pay {{input.invoiceId}}?' }, pay]);
const DEFAULT_CRITERIA = { minRuns: 200, minIdenticalRequestRate: 0.99, allowNewFailureClasses: false };

type Report = { runs: number; identicalRequestRate: number; criteriaMet: boolean; unmet: Array<{ criterion: string }>; [key: string]: unknown };

describe.each(['sqlite', 'postgres'] as const)('shadow versions on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let admin: Client;
  let alice: Client;
  let intruder: Client;
  let adminToken: string;
  let intruderToken: string;
  const tenant = `shadow-${kind}`;
  const stranger = `shadow-other-${kind}`;
  const results: unknown[] = [];
  const head = (tenantId: string): Promise<number> => h.store.headPosition(tenantId);
  const events = (tenantId = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId }));
  const comparisons = async (): Promise<RecordedEvent[]> => (await events()).filter((event) => comparisonIn(event) !== undefined);
  let invoice = 0;

  /** Starts `count` live runs and waits until every one has closed (each compared in its final event). */
  async function runLive(count: number): Promise<string[]> {
    const runIds: string[] = [];
    for (let i = 0; i < count; i++) runIds.push((await callOk<{ runId: string }>(alice, 'pay_invoice', { invoiceId: `inv-${++invoice}`, amount: 40 + (invoice % 7) })).runId);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const closed = new Set((await events()).filter((event) => ['RunCompleted', 'RunFailed'].includes(event.type)).map((event) => event.streamId));
      if (runIds.every((runId) => closed.has(runId))) return runIds;
      if (Date.now() > deadline) throw new Error(`runs did not close: ${runIds.filter((runId) => !closed.has(runId)).length} open`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind, { LEDGERLINE_TOOL_RATE_PER_SEC: '1000', LEDGERLINE_TOOL_RATE_BURST: '1000' });
    const mint = (userId: string, scopes: string[], tenantId = tenant): string => h.issuer.mint({ tenantId, userId, clientId: 'claude', scopes });
    adminToken = mint('root', ADMIN_SCOPES);
    intruderToken = mint('mallory', [...AGENT_SCOPES, ...ADMIN_SCOPES], stranger);
    admin = await connect(h.platform, adminToken);
    alice = await connect(h.platform, mint('alice', AGENT_SCOPES));
    intruder = await connect(h.platform, intruderToken);
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, timeoutMs: 2000, rateLimit: { perSecond: 1000, burst: 1000 } };
    await callOk(admin, 'connector_register', { name: 'billing', config });
    await callOk(admin, 'connector_secret_set', { name: 'billing', secret: SECRET });
    await callOk(admin, 'automation_publish', { definition: v1 });
  }, 60_000);
  afterAll(async () => {
    for (const client of [admin, alice, intruder]) await client?.close();
    await h?.stop();
    await fixture?.close();
  });

  it('refuses bad input to publish, report and promote with typed errors, appending nothing', async () => {
    const before = await head(tenant);
    const noLive = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: { ...v1, name: 'never_live' }, inShadow: true } }));
    expect(noLive.code).toBe('automation.no_live_version');
    const badCriteria = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: sameRequests, inShadow: true, successCriteria: { minRuns: 0 } } }));
    expect(badCriteria).toMatchObject({ code: 'tool.invalid_arguments', message: expect.stringMatching(/minRuns/) });
    const withoutShadow = errorOf(await admin.callTool({ name: 'automation_publish', arguments: { definition: sameRequests, successCriteria: { minRuns: 5 } } }));
    expect(withoutShadow.code).toBe('automation.invalid_criteria');
    expect(errorOf(await admin.callTool({ name: 'automation_shadow_report', arguments: { name: 'pay_invoice' } })).code).toBe('automation.no_shadow');
    expect(errorOf(await admin.callTool({ name: 'automation_promote', arguments: { name: 'pay_invoice' } })).code).toBe('automation.no_shadow');
    expect(errorOf(await admin.callTool({ name: 'automation_shadow_report', arguments: { name: 'Not A Name' } })).code).toBe('automation.invalid_name');
    expect(errorOf(await admin.callTool({ name: 'automation_promote', arguments: { name: 'nothing_here' } })).code).toBe('automation.not_found');
    expect(errorOf(await admin.callTool({ name: 'automation_promote', arguments: { name: 'pay_invoice', override: { reason: '' } } })).code).toBe('tool.invalid_arguments');
    for (const [method, path, body, status, code] of [
      ['POST', '/v1/automations', { definition: sameRequests, inShadow: true, successCriteria: { minIdenticalRequestRate: 2 } }, 400, 'automation.invalid_criteria'],
      ['POST', '/v1/automations', { definition: sameRequests, inShadow: 'yes' }, 400, undefined],
      ['POST', '/v1/automations', { definition: sameRequests, successCriteria: { minRuns: 5 } }, 400, 'automation.invalid_criteria'],
      ['GET', '/v1/automations/pay_invoice/shadow-report', undefined, 409, 'automation.no_shadow'],
      ['GET', '/v1/automations/no_such_thing/shadow-report', undefined, 404, 'automation.not_found'],
      ['GET', '/v1/automations/Bad-Name/shadow-report', undefined, 400, 'automation.invalid_name'],
      ['POST', '/v1/automations/pay_invoice/promote', {}, 409, 'automation.no_shadow'],
      // An absent override, null as REST's other optional fields (the fuzzer found a 500 here).
      ['POST', '/v1/automations/pay_invoice/promote', { override: null }, 409, 'automation.no_shadow'],
      ['POST', '/v1/automations/pay_invoice/promote', { override: { reason: '' } }, 400, undefined],
      ['POST', '/v1/automations/pay_invoice/promote', { override: { reason: 'x' }, extra: 1 }, 400, undefined],
    ] as const) {
      const answer = await rest(h.platform.url, method, path, adminToken, body);
      results.push(answer.body);
      expect([method, path, answer.status]).toEqual([method, path, status]);
      if (code) expect(answer.body).toMatchObject({ error: { code } });
    }
    expect(await head(tenant)).toBe(before);
  });

  it('publishes a shadow beside the live version: starts keep the live one, lists show the shadow and its criteria', async () => {
    const published = await callOk(admin, 'automation_publish', { definition: sameRequests, inShadow: true });
    results.push(published);
    expect(published).toEqual({ name: 'pay_invoice', version: 2, liveVersion: 1, inShadow: true, changed: true, successCriteria: DEFAULT_CRITERIA, tool: 'pay_invoice', scope: 'automation:pay_invoice' });
    // The same shadow again changes nothing.
    expect(await callOk(admin, 'automation_publish', { definition: sameRequests, inShadow: true })).toMatchObject({ version: 2, changed: false });
    const { automations } = await callOk<{ automations: Array<Record<string, unknown>> }>(admin, 'automation_list');
    expect(automations).toEqual([expect.objectContaining({ name: 'pay_invoice', version: 1, shadow: { version: 2, publishedAt: expect.any(String), successCriteria: DEFAULT_CRITERIA } })]);
    const listed = await rest(h.platform.url, 'GET', '/v1/automations', adminToken);
    expect(listed.body['automations']).toEqual([expect.objectContaining({ name: 'pay_invoice', version: 1, shadow: expect.objectContaining({ version: 2 }) })]);
    (await OpenApiConformance.load(h.platform.url)).check('/v1/automations', 'get', 200, listed.body);
    const details = await rest(h.platform.url, 'GET', '/v1/automations/pay_invoice', adminToken);
    expect((details.body['versions'] as Array<{ version: number; status: string }>).map((v) => [v.version, v.status])).toEqual([[2, 'shadow'], [1, 'current']]);
    expect(details.body['version']).toBe(1);
    const tool = (await alice.listTools()).tools.find((t) => t.name === 'pay_invoice')!;
    expect(tool.description).toContain('version 1');
    // Not yet compared: promotion is refused, with each unmet criterion and the figures, and nothing appended.
    const before = await head(tenant);
    const refused = errorOf(await admin.callTool({ name: 'automation_promote', arguments: { name: 'pay_invoice' } }));
    expect(refused).toMatchObject({ code: 'automation.criteria_unmet', details: { version: 2, figures: { runs: 0 }, unmet: [{ criterion: 'minRuns', required: 200, actual: 0 }, { criterion: 'minIdenticalRequestRate', required: 0.99, actual: 0 }] } });
    expect(await head(tenant)).toBe(before);
  });

  it(`compares each of ${LIVE_RUNS} live runs once with the shadow, which sends nothing, and reports identical requests`, async () => {
    const sentBefore = fixture.requests.length;
    const runIds = await runLive(LIVE_RUNS);
    // Two calls per live run, and not one more: the shadow's are planned, never sent.
    expect(fixture.requests.length - sentBefore).toBe(2 * LIVE_RUNS);
    // Each run closed with its comparison: in its final event, the run's own last, and nowhere else.
    const compared = await comparisons();
    expect(compared.map((event) => event.streamId).sort()).toEqual([...runIds].sort());
    expect(compared.every((event) => event.type === 'RunCompleted' && comparisonIn(event)!.runId === event.streamId)).toBe(true);
    expect(comparisonIn(compared[0]!)).toMatchObject({ liveVersion: 1, shadowVersion: 2, requestsIdentical: true, sameSequence: true, live: { outcome: 'completed' }, shadow: { outcome: 'completed' } });
    // The comparison holds no run data: no invoice id, no amount, no quote id, no secret.
    const recorded = JSON.stringify(compared.map((event) => comparisonIn(event)));
    for (const plain of ['inv-', 'Bearer', SECRET, '"quote":']) expect(recorded).not.toContain(plain);
    // It is the shadow report's, not the run reader's: the run's timeline does not show it.
    const timeline = await rest(h.platform.url, 'GET', `/v1/runs/${runIds[0]}/events?limit=100`, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['runs:read'] }));
    expect(timeline.status).toBe(200);
    const closedShown = (timeline.body['events'] as Array<{ type: string; data: Record<string, unknown> }>).find((event) => event.type === 'RunCompleted')!;
    expect(closedShown.data).not.toHaveProperty('shadow');
    // Every run started records the shadow it is compared with.
    const all = await events();
    const started = all.filter((event) => event.type === 'RunStarted' && runIds.includes(event.streamId));
    expect(started.map((event) => (event.data as { shadowVersion?: number }).shadowVersion)).toEqual(Array(LIVE_RUNS).fill(2));
    // Each side's duration is the live run's, as its stream records it, whether the worker compared
    // from what it appended or read the stream back: the live run's runs from its start to its
    // close, the shadow's is the live calls' latencies (answered by them, no wait or retry between).
    // The close, and the last call's outcome with it, are timed when the comparison is made, just
    // before they are recorded: both sides end that much before the stream says, to the ms.
    const offBy = compared.map((comparison) => {
      const data = comparisonIn(comparison)!;
      const stream = all.filter((event) => event.streamId === data.runId);
      const startedAt = (stream[0]!.data as { startedAt: number }).startedAt;
      const closedAt = Date.parse(stream.find((event) => event.type === 'RunCompleted')!.recordedAt);
      const callStarts = new Map(stream.filter((event) => event.type === 'StepStarted').map((event) => [(event.data as { stepId: string }).stepId, (event.data as { startedAt: number }).startedAt]));
      const latencies = stream.filter((event) => event.type === 'StepSucceeded').reduce((sum, event) => sum + Date.parse(event.recordedAt) - callStarts.get((event.data as { stepId: string }).stepId)!, 0);
      const early = closedAt - startedAt - data.live.durationMs;
      expect(latencies - data.shadow.durationMs).toBe(early);
      return early;
    }).sort((a, b) => a - b);
    expect(offBy[0]).toBeGreaterThanOrEqual(0);
    expect(offBy[Math.floor(offBy.length / 2)]).toBeLessThanOrEqual(25);
    expect(offBy[offBy.length - 1]).toBeLessThanOrEqual(1000);

    const report = await callOk<Report>(admin, 'automation_shadow_report', { name: 'pay_invoice' });
    results.push(report);
    expect(report).toMatchObject({
      automation: 'pay_invoice', liveVersion: 1, shadowVersion: 2, successCriteria: DEFAULT_CRITERIA, runs: LIVE_RUNS, identicalRequestRuns: LIVE_RUNS, identicalRequestRate: 1,
      sameSequenceRuns: LIVE_RUNS, sameOutcomeRuns: LIVE_RUNS, failureClasses: { live: [], shadow: [] }, newFailureClasses: [], differingPaths: [], criteriaMet: true, unmet: [],
    });
    expect((report['meanDurationMs'] as { live: number }).live).toBeGreaterThanOrEqual(0);
    const overRest = await rest(h.platform.url, 'GET', '/v1/automations/pay_invoice/shadow-report', adminToken);
    expect(overRest.status).toBe(200);
    expect(overRest.body).toEqual(report);
    (await OpenApiConformance.load(h.platform.url)).check('/v1/automations/{name}/shadow-report', 'get', 200, overRest.body);

    // Shadow runs are not runs: the run list holds the live runs only.
    const listed = await rest(h.platform.url, 'GET', `/v1/runs?allUsers=true&limit=100`, h.issuer.mint({ tenantId: tenant, userId: 'alice', scopes: ['runs:read', 'runs:admin'] }));
    expect((listed.body['runs'] as Array<{ runId: string }>).every((run) => runIds.includes(run.runId))).toBe(true);
  });

  it('promotes when the criteria hold: the shadow is live, no shadow is attached, and new runs are not compared', async () => {
    const promoted = await callOk(admin, 'automation_promote', { name: 'pay_invoice' });
    results.push(promoted);
    expect(promoted).toEqual({ name: 'pay_invoice', version: 2, previousVersion: 1, overridden: false });
    const [recorded] = (await events()).filter((event) => event.type === 'AutomationPromoted');
    expect(recorded!.data).toEqual({ name: 'pay_invoice', version: 2, previousVersion: 1, promotedBy: 'root', criteria: DEFAULT_CRITERIA, figures: { runs: LIVE_RUNS, identicalRequestRate: 1, newFailureClasses: [] }, override: null });
    const { automations } = await callOk<{ automations: Array<Record<string, unknown>> }>(admin, 'automation_list');
    expect(automations).toEqual([expect.objectContaining({ name: 'pay_invoice', version: 2, shadow: null })]);
    const compared = (await comparisons()).length;
    const [runId] = await runLive(1);
    expect((await events()).find((event) => event.streamId === runId && event.type === 'RunStarted')!.data).toMatchObject({ version: 2 });
    expect((await events()).find((event) => event.streamId === runId && event.type === 'RunStarted')!.data).not.toHaveProperty('shadowVersion');
    expect(await comparisons()).toHaveLength(compared);
  });

  it('reports the field a shadow changes, by path, refuses its promotion, asks no approver, and records an override', async () => {
    await callOk(admin, 'automation_publish', { definition: changedField, inShadow: true, successCriteria: { minRuns: 5 } });
    const sentBefore = fixture.requests.length;
    const runIds = await runLive(5);
    expect(fixture.requests.length - sentBefore).toBe(10);
    const all = await events();
    // The shadow has an approval step: nobody was asked, on any stream.
    expect(all.filter((event) => event.type === 'ApprovalRequested')).toEqual([]);
    const approvals = await rest(h.platform.url, 'GET', '/v1/approvals', h.issuer.mint({ tenantId: tenant, userId: 'bob', scopes: ['approvals:decide'] }));
    expect(approvals.body['approvals']).toEqual([]);
    expect(all.filter((event) => runIds.includes(comparisonIn(event)?.runId ?? ''))).toHaveLength(5);

    const report = await callOk<Report>(admin, 'automation_shadow_report', { name: 'pay_invoice' });
    results.push(report);
    expect(report).toMatchObject({
      liveVersion: 2, shadowVersion: 3, successCriteria: { ...DEFAULT_CRITERIA, minRuns: 5 }, runs: 5, identicalRequestRuns: 0, identicalRequestRate: 0, sameSequenceRuns: 0, sameOutcomeRuns: 5,
      differingPaths: [{ stepId: 'quote', path: 'body.currency', runs: 5 }], criteriaMet: false, unmet: [{ criterion: 'minIdenticalRequestRate', required: 0.99, actual: 0 }],
    });
    const before = await head(tenant);
    const refused = await rest(h.platform.url, 'POST', '/v1/automations/pay_invoice/promote', adminToken, {});
    results.push(refused.body);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'automation.criteria_unmet', details: { unmet: [{ criterion: 'minIdenticalRequestRate', required: 0.99, actual: 0 }], figures: { runs: 5, identicalRequestRate: 0 } } } });
    expect(await head(tenant)).toBe(before);

    const override = { override: { reason: 'the currency field is wanted downstream' } };
    const promoted = await rest(h.platform.url, 'POST', '/v1/automations/pay_invoice/promote', adminToken, override, { 'Idempotency-Key': `promote-${kind}` });
    results.push(promoted.body);
    expect(promoted.status).toBe(200);
    expect(promoted.body).toEqual({ name: 'pay_invoice', version: 3, previousVersion: 2, overridden: true });
    // The same call again (its key) answers the same, though no shadow is attached any more, and appends nothing.
    const promotedAt = await head(tenant);
    const again = await rest(h.platform.url, 'POST', '/v1/automations/pay_invoice/promote', adminToken, override, { 'Idempotency-Key': `promote-${kind}` });
    expect([again.status, again.body]).toEqual([200, promoted.body]);
    const otherArguments = await rest(h.platform.url, 'POST', '/v1/automations/pay_invoice/promote', adminToken, { override: { reason: 'another reason' } }, { 'Idempotency-Key': `promote-${kind}` });
    expect(otherArguments.status).toBe(409);
    expect(await head(tenant)).toBe(promotedAt);
    (await OpenApiConformance.load(h.platform.url)).check('/v1/automations/{name}/promote', 'post', 200, promoted.body);
    const recorded = (await events()).filter((event) => event.type === 'AutomationPromoted').at(-1)!;
    expect(recorded.data).toMatchObject({
      version: 3, previousVersion: 2, promotedBy: 'root', figures: { runs: 5, identicalRequestRate: 0, newFailureClasses: [] },
      override: { reason: 'the currency field is wanted downstream', unmet: [{ criterion: 'minIdenticalRequestRate', required: 0.99, actual: 0 }] },
    });
    expect(recorded.metadata).toMatchObject({ userId: 'root' });
  });

  it('lets a new shadow replace the one attached, and a live publish end it', async () => {
    const first = await callOk(admin, 'automation_publish', { definition: sameRequests, inShadow: true });
    const second = await callOk(admin, 'automation_publish', { definition: v1, inShadow: true, successCriteria: { minRuns: 1 } });
    expect([first['version'], second['version'], second['liveVersion']]).toEqual([4, 5, 3]);
    const report = await callOk<Report>(admin, 'automation_shadow_report', { name: 'pay_invoice' });
    expect(report).toMatchObject({ shadowVersion: 5, runs: 0, successCriteria: { minRuns: 1 } });
    const live = await callOk(admin, 'automation_publish', { definition: definitionOf([quote({ amount: '{{input.amount}}' }), pay], 'Live again.') });
    expect(live).toMatchObject({ version: 6, liveVersion: 6, inShadow: false, successCriteria: null });
    expect(errorOf(await admin.callTool({ name: 'automation_shadow_report', arguments: { name: 'pay_invoice' } })).code).toBe('automation.no_shadow');
  });

  it("gives another tenant's caller nothing of this tenant's shadow, report or promotion", async () => {
    await callOk(admin, 'automation_publish', { definition: sameRequests, inShadow: true });
    const before = [await head(tenant), await head(stranger)];
    expect(errorOf(await intruder.callTool({ name: 'automation_shadow_report', arguments: { name: 'pay_invoice' } })).code).toBe('automation.not_found');
    expect(errorOf(await intruder.callTool({ name: 'automation_promote', arguments: { name: 'pay_invoice', override: { reason: 'mine now' } } })).code).toBe('automation.not_found');
    // Its own tenant has no pay_invoice live, nor this tenant's connector: publishing there reaches nothing here.
    expect(errorOf(await intruder.callTool({ name: 'automation_publish', arguments: { definition: sameRequests, inShadow: true } })).code).toBe('automation.invalid');
    const report = await rest(h.platform.url, 'GET', '/v1/automations/pay_invoice/shadow-report', intruderToken);
    expect([report.status, report.body]).toEqual([404, expect.objectContaining({ error: expect.objectContaining({ code: 'automation.not_found' }) })]);
    const promote = await rest(h.platform.url, 'POST', '/v1/automations/pay_invoice/promote', intruderToken, { override: { reason: 'mine now' } });
    expect([promote.status, promote.body]).toEqual([404, expect.objectContaining({ error: expect.objectContaining({ code: 'automation.not_found' }) })]);
    expect((await callOk<{ automations: unknown[] }>(intruder, 'automation_list')).automations).toEqual([]);
    expect([await head(tenant), await head(stranger)]).toEqual(before);
    const { automations } = await callOk<{ automations: Array<Record<string, unknown>> }>(admin, 'automation_list');
    expect(automations).toEqual([expect.objectContaining({ version: 6, shadow: expect.objectContaining({ version: 7 }) })]);
  });

  it('needs automations:admin for the report and the promotion, over MCP and REST', async () => {
    const narrow = h.issuer.mint({ tenantId: tenant, userId: 'carol', scopes: ['automation:pay_invoice', 'runs:read'] });
    const before = await head(tenant);
    for (const [method, path] of [['GET', '/v1/automations/pay_invoice/shadow-report'], ['POST', '/v1/automations/pay_invoice/promote']] as const) {
      const refused = await rest(h.platform.url, method, path, narrow, method === 'POST' ? {} : undefined);
      expect([path, refused.status]).toEqual([path, 403]);
      expect((await rest(h.platform.url, method, path, undefined, method === 'POST' ? {} : undefined)).status).toBe(401);
    }
    const carol = await connect(h.platform, narrow);
    try {
      expect((await carol.listTools()).tools.map((t) => t.name)).not.toEqual(expect.arrayContaining(['automation_shadow_report']));
    } finally {
      await carol.close();
    }
    expect(await head(tenant)).toBe(before);
  });

  it('leaves the secret nowhere in plain: events, data files, logs, tool results and REST answers', async () => {
    expect(await scanForSecret(SECRET, { store: h.store, dataDir: h.platform.dataDir, databaseUrl: h.databaseUrl, logs: h.platform.output(), extra: results })).toEqual([]);
  });
});
