import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordedEvent } from '#event-store';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { OpenApiConformance } from './support/openapi-conformance.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';
import { rest, type RestAnswer } from './support/rest.js';
import { waitForRun } from './support/runs.js';

/** In every run's input and never read by a step: no answer may show it. */
const NOTE = 'private_note_7f3a_never_shown';
const INPUT_SCHEMA = { type: 'object', properties: { ref: { type: 'string' }, note: { type: 'string' } }, required: ['ref'] };
const QUICK = {
  name: 'quick', title: 'Quick', description: 'One call.', inputSchema: INPUT_SCHEMA,
  steps: [{ id: 'call', type: 'call', connector: 'erp', request: { method: 'POST', path: '/quick/{{input.ref}}' } }],
};
const CHECKED = {
  name: 'checked', title: 'Checked', description: 'Asks, then sends (retried).', inputSchema: INPUT_SCHEMA,
  steps: [
    { id: 'ask', type: 'approval', prompt: 'Send {{input.ref}}?' },
    { id: 'send', type: 'call', connector: 'erp', request: { method: 'POST', path: '/checked/{{input.ref}}' }, retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 100 } },
  ],
};
const AGENT_SCOPES = ['automation:quick', 'automation:checked', 'runs:read'];

interface Run { runId: string; automation: string; status: string; startedBy: string; startedAt: string }
interface RunPage { runs: Run[]; nextCursor: string | null }
interface TimelineEvent { version: number; position: number; type: string; at: string; data: Record<string, unknown> }
interface Timeline { events: TimelineEvent[]; nextAfter: number | null; runStatus: string }

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['sqlite', 'postgres'] as const)('runs, run timelines, automation versions and the approvals inbox over REST on %s', (kind) => {
  let h: PlatformHarness;
  let fixture: FixtureServer;
  let openApi: OpenApiConformance;
  let alice: Client;
  let bob: Client;
  const tenant = `runs-rest-${kind}`;
  const other = `runs-rest-other-${kind}`;
  const tokens: Record<string, string> = {};
  /** Alice's runs started before `between`, and after it; Bob's. */
  const early: string[] = [];
  const late: Record<'completed' | 'failed' | 'gated', string[]> = { completed: [], failed: [], gated: [] };
  const bobs: string[] = [];
  let between = '';

  const get = (path: string, token: string): Promise<RestAnswer> => rest(h.platform.url, 'GET', path, token);
  const events = (t = tenant): Promise<RecordedEvent[]> => collect(h.store.readAll({ tenantId: t }));
  const start = async (client: Client, automation: string, ref: string): Promise<string> => (await callOk<{ runId: string }>(client, automation, { ref, note: NOTE })).runId;
  const settled = (client: Client, runId: string) => waitForRun(client, runId, (run) => run.status !== 'running' || run.approval?.status === 'pending');
  const runsOf = async (query: string, token = tokens.alice!): Promise<RunPage> => {
    const answer = await get(`/v1/runs${query}`, token);
    expect([query, answer.status]).toEqual([query, 200]);
    openApi.check('/v1/runs', 'get', 200, answer.body);
    return answer.body as unknown as RunPage;
  };
  /** Every page of a list, following nextCursor. */
  const allPages = async (query: string, token?: string): Promise<RunPage[]> => {
    const pages = [await runsOf(query, token)];
    while (pages[pages.length - 1]!.nextCursor) pages.push(await runsOf(`${query}&cursor=${pages[pages.length - 1]!.nextCursor}`, token));
    return pages;
  };
  const ids = (runs: Run[]) => runs.map((run) => run.runId);

  beforeAll(async () => {
    fixture = await startFixtureServer();
    h = await startPlatformOn(kind);
    const mint = (userId: string, scopes: string[], tenantId = tenant) => h.issuer.mint({ tenantId, userId, scopes });
    Object.assign(tokens, {
      admin: mint('root', ['connectors:admin', 'automations:admin', 'runs:read', 'runs:admin']),
      alice: mint('alice', AGENT_SCOPES),
      bob: mint('bob', [...AGENT_SCOPES, 'approvals:decide']),
      dave: mint('dave', ['approvals:decide', 'runs:read']),
      carol: mint('carol', ['runs:read', 'automations:admin']),
      outsider: mint('mallory', ['runs:read', 'runs:admin', 'approvals:decide', 'automations:admin'], other),
    });
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host] };
    expect((await rest(h.platform.url, 'PUT', '/v1/connectors/erp', tokens.admin, { config })).status).toBe(200);
    for (const definition of [QUICK, CHECKED, { ...QUICK, title: 'Quick, second version' }]) {
      expect((await rest(h.platform.url, 'POST', '/v1/automations', tokens.admin, { definition })).status).toBe(200);
    }
    fixture.respond('/quick/broken', { status: 400 });
    openApi = await OpenApiConformance.load(h.platform.url);
    alice = await connect(h.platform, tokens.alice!);
    bob = await connect(h.platform, tokens.bob!);

    for (const ref of ['a1', 'a2', 'a3']) early.push(await start(alice, 'quick', ref));
    await Promise.all(early.map((runId) => settled(alice, runId)));
    await pause(20);
    between = new Date().toISOString();
    await pause(20);
    for (const ref of ['a4', 'a5']) late.completed.push(await start(alice, 'quick', ref));
    late.failed.push(await start(alice, 'quick', 'broken'));
    for (const ref of ['c1', 'c2']) late.gated.push(await start(alice, 'checked', ref));
    for (const ref of ['b1', 'b2']) bobs.push(await start(bob, 'quick', ref));
    bobs.push(await start(bob, 'checked', 'c3'));
    await Promise.all([...late.completed, ...late.failed, ...late.gated].map((runId) => settled(alice, runId)));
    await Promise.all(bobs.map((runId) => settled(bob, runId)));
  }, 120_000);
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await h?.stop();
    await fixture?.close();
  });

  it("lists the caller's own runs newest first, each filter narrowing the list", async () => {
    const { runs, nextCursor } = await runsOf('?limit=100');
    expect(nextCursor).toBeNull();
    expect(new Set(ids(runs))).toEqual(new Set([...early, ...late.completed, ...late.failed, ...late.gated]));
    expect(runs.every((run) => run.startedBy === 'alice')).toBe(true);
    expect(runs.map((run) => run.startedAt)).toEqual(runs.map((run) => run.startedAt).sort().reverse());
    expect((await runsOf('')).runs).toEqual(runs); // default limit 20

    const narrowed = async (query: string) => ids((await runsOf(`?limit=100&${query}`)).runs).sort();
    expect(await narrowed('status=completed')).toEqual([...early, ...late.completed].sort());
    expect(await narrowed('status=failed')).toEqual(late.failed);
    expect(await narrowed('status=running')).toEqual([...late.gated].sort());
    expect(await narrowed('status=timed_out')).toEqual([]);
    expect(await narrowed('automation=checked')).toEqual([...late.gated].sort());
    expect(await narrowed('automation=quick&status=failed')).toEqual(late.failed);
    expect(await narrowed(`since=${between}`)).toEqual([...late.completed, ...late.failed, ...late.gated].sort());
    expect(await narrowed(`until=${between}`)).toEqual([...early].sort());
    expect(await narrowed(`since=${between}&automation=quick&status=completed`)).toEqual([...late.completed].sort());
    const offset = between.replace('Z', '+00:00');
    expect(await narrowed(`until=${encodeURIComponent(offset)}`)).toEqual([...early].sort());
  });

  it('pages by cursor: pages disjoint, complete and in the order of the whole list, filtered or not', async () => {
    for (const [query, token] of [['?limit=3', tokens.alice], ['?limit=2&status=completed', tokens.alice], ['?limit=4&allUsers=true', tokens.admin]] as const) {
      const whole = (await runsOf(`${query.replace(/limit=\d+/, 'limit=100')}`, token)).runs;
      const pages = await allPages(query, token);
      const limit = Number(/limit=(\d+)/.exec(query)![1]);
      expect(pages.length).toBe(Math.ceil(whole.length / limit));
      expect(pages.every((page) => page.runs.length <= limit)).toBe(true);
      expect(pages.flatMap((page) => ids(page.runs))).toEqual(ids(whole));
    }
    // run_list reads the same list, with the same filters and cursors.
    const first = await callOk<RunPage>(alice, 'run_list', { automation: 'quick', limit: 2 });
    expect(first.runs).toHaveLength(2);
    const remainder = await runsOf(`?automation=quick&limit=100&cursor=${first.nextCursor}`);
    expect([...ids(first.runs), ...ids(remainder.runs)]).toEqual(ids((await runsOf('?automation=quick&limit=100')).runs));
    expect(ids((await callOk<RunPage>(alice, 'run_list', { since: between, status: 'failed' })).runs)).toEqual(late.failed);
  });

  it("lists every user's runs for runs:admin, or one requester's", async () => {
    const everyone = (await runsOf('?allUsers=true&limit=100', tokens.admin)).runs;
    expect(new Set(ids(everyone))).toEqual(new Set([...early, ...late.completed, ...late.failed, ...late.gated, ...bobs]));
    expect(new Set(ids((await runsOf('?allUsers=true&requester=bob&limit=100', tokens.admin)).runs))).toEqual(new Set(bobs));
    expect(ids((await runsOf('?allUsers=true&requester=bob&automation=checked', tokens.admin)).runs)).toEqual([bobs[2]]);
    expect((await runsOf('?allUsers=true&requester=nobody', tokens.admin)).runs).toEqual([]);
    expect((await runsOf('?limit=100', tokens.admin)).runs).toEqual([]); // the admin's own runs: none
    expect(await get('/v1/runs?allUsers=true', tokens.alice!)).toMatchObject({ status: 400, body: { error: { code: 'run.list_all_needs_admin' } } });
    expect(await get('/v1/runs?requester=bob', tokens.admin!)).toMatchObject({ status: 400, body: { error: { code: 'run.invalid_filter' } } });
  });

  it("shows a run's events in stream order through an approval and a retry, personal data sealed, paged by version", async () => {
    const [runId] = late.gated;
    fixture.script('/checked/c1', [{ status: 503 }]);
    const decided = await rest(h.platform.url, 'POST', `/v1/approvals/${runId}.ask/decision`, tokens.dave, { decision: 'approve', reason: 'fine' });
    expect(decided.status).toBe(200);
    expect((await waitForRun(alice, runId!)).status).toBe('completed');

    const whole = await get(`/v1/runs/${runId}/events`, tokens.alice!);
    expect(whole.status).toBe(200);
    openApi.check('/v1/runs/{runId}/events', 'get', 200, whole.body);
    const timeline = whole.body as unknown as Timeline;
    expect(timeline).toMatchObject({ nextAfter: null, runStatus: 'completed' });
    expect(timeline.events.map((event) => event.version)).toEqual(timeline.events.map((_, index) => index + 1));
    expect(timeline.events.map((event) => event.position)).toEqual([...timeline.events.map((event) => event.position)].sort((a, b) => a - b));
    const types = timeline.events.map((event) => event.type);
    expect(types.filter((type) => ['RunStarted', 'ApprovalRequested', 'ApprovalGranted', 'StepFailed', 'StepSucceeded', 'RunCompleted'].includes(type)))
      .toEqual(['RunStarted', 'ApprovalRequested', 'ApprovalGranted', 'StepFailed', 'StepSucceeded', 'RunCompleted']);
    expect(types.filter((type) => type === 'StepStarted')).toHaveLength(2);
    const dataOf = (type: string) => timeline.events.find((event) => event.type === type)!.data;
    expect(dataOf('RunStarted')).toMatchObject({ automation: 'checked', startedBy: 'alice', input: { sealed: true } });
    expect(dataOf('ApprovalRequested')).toMatchObject({ stepId: 'ask', prompt: { sealed: true } });
    expect(dataOf('ApprovalGranted')).toMatchObject({ decidedBy: 'dave', reason: 'fine' });
    expect(dataOf('StepFailed')).toMatchObject({ stepId: 'send', attempt: 1, status: 503 });
    expect(dataOf('StepSucceeded')).toMatchObject({ stepId: 'send', attempt: 2, output: { sealed: true } });
    expect(dataOf('RunCompleted')).toEqual({ outputs: { sealed: true } });
    for (const secretish of [NOTE, 'c1?', '$sealed', 'ciphertext']) expect(whole.text).not.toContain(secretish);
    expect(timeline.events.every((event) => !Number.isNaN(Date.parse(event.at)))).toBe(true);

    const pages: Timeline[] = [];
    for (let after: number | null = 0; after !== null; after = pages[pages.length - 1]!.nextAfter) {
      const page = await get(`/v1/runs/${runId}/events?after=${after}&limit=3`, tokens.alice!);
      openApi.check('/v1/runs/{runId}/events', 'get', 200, page.body);
      pages.push(page.body as unknown as Timeline);
    }
    expect(pages.length).toBe(Math.ceil(timeline.events.length / 3));
    expect(pages.flatMap((page) => page.events)).toEqual(timeline.events);
    expect((await get(`/v1/runs/${runId}/events?after=${timeline.events.length}`, tokens.alice!)).body).toEqual({ events: [], nextAfter: null, runStatus: 'completed' });

    // Whoever may read the run (run_get's rule) reads its events: a runs admin, an approver.
    for (const token of [tokens.admin!, tokens.dave!]) expect((await get(`/v1/runs/${runId}/events?limit=1`, token)).status).toBe(200);
  });

  it('keeps another tenant and another user out of every new endpoint, as GET /v1/runs/{runId} does', async () => {
    const before = await events();
    const [runId] = late.completed;
    const missing = 'run-00000000-0000-4000-8000-000000000000';
    const outsider = tokens.outsider!;
    expect((await get('/v1/runs?allUsers=true&limit=100', outsider)).body).toEqual({ runs: [], nextCursor: null });
    expect((await get('/v1/runs?allUsers=true&requester=alice', outsider)).body).toEqual({ runs: [], nextCursor: null });
    // Another tenant's run answers exactly as a run that never was.
    const strange = await get(`/v1/runs/${runId}/events`, outsider);
    const absent = await get(`/v1/runs/${missing}/events`, outsider);
    expect(strange).toMatchObject({ status: 404, body: { error: { code: 'run.not_found' } } });
    expect(JSON.parse(strange.text.replaceAll(runId!, missing))).toEqual(absent.body);
    expect(await get('/v1/automations/quick', outsider)).toMatchObject({ status: 404, body: { error: { code: 'automation.not_found' } } });
    expect((await get('/v1/automations/quick', outsider)).text).toBe((await get('/v1/automations/never_published', outsider)).text.replaceAll('never_published', 'quick'));
    expect((await get('/v1/approvals', outsider)).body).toEqual({ approvals: [], nextCursor: null });
    expect(await events(other)).toEqual([]);

    // Another user of the tenant without runs:admin: the same refusal as GET /v1/runs/{runId}.
    const carol = tokens.carol!;
    expect(await get(`/v1/runs/${runId}`, carol)).toMatchObject({ status: 403, body: { error: { code: 'run.not_yours' } } });
    expect(await get(`/v1/runs/${runId}/events`, carol)).toMatchObject({ status: 403, body: { error: { code: 'run.not_yours' } } });
    expect((await get('/v1/runs?limit=100', carol)).body).toEqual({ runs: [], nextCursor: null });
    expect((await get(`/v1/runs?automation=quick&since=${between}`, carol)).body).toEqual({ runs: [], nextCursor: null });
    expect(await events()).toHaveLength(before.length);
  });

  it("gives an automation's versions, newest first, with the current definition or an asked-for one", async () => {
    const current = await get('/v1/automations/quick', tokens.admin!);
    expect(current.status).toBe(200);
    openApi.check('/v1/automations/{name}', 'get', 200, current.body);
    expect(current.body).toMatchObject({
      name: 'quick', scope: 'automation:quick', version: 2, definition: { name: 'quick', title: 'Quick, second version' },
      versions: [{ version: 2, publishedBy: 'root', status: 'current' }, { version: 1, publishedBy: 'root', status: 'superseded' }],
    });
    const first = await get('/v1/automations/quick?version=1', tokens.admin!);
    expect(first.body).toMatchObject({ version: 1, definition: { title: 'Quick' }, versions: (current.body as { versions: unknown }).versions });
    expect(await get('/v1/automations/quick?version=3', tokens.admin!)).toMatchObject({ status: 404, body: { error: { code: 'automation.version_not_found' } } });
    expect(await get('/v1/automations/never_published', tokens.admin!)).toMatchObject({ status: 404, body: { error: { code: 'automation.not_found' } } });
    expect((await get('/v1/automations/quick', tokens.alice!)).status).toBe(403);
  });

  it("pages the approvals inbox oldest first, never with the caller's own runs' approvals nor their input", async () => {
    const whole = await get('/v1/approvals', tokens.dave!);
    openApi.check('/v1/approvals', 'get', 200, whole.body);
    const { approvals, nextCursor } = whole.body as { approvals: Array<Record<string, unknown> & { runId: string; requestedAt: string }>; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(approvals.map((approval) => approval.runId).sort()).toEqual([late.gated[1]!, bobs[2]!].sort());
    expect(approvals.map((approval) => approval.requestedAt)).toEqual(approvals.map((approval) => approval.requestedAt).sort());
    const alices = approvals.find((approval) => approval.runId === late.gated[1])!;
    expect(Object.keys(alices).sort()).toEqual(['approvalId', 'automation', 'deadlineAt', 'decidedBy', 'offeredBy', 'prompt', 'reason', 'requestedAt', 'requestedBy', 'runId', 'status', 'stepId']);
    expect(alices).toMatchObject({ approvalId: `${late.gated[1]}.ask`, stepId: 'ask', automation: 'checked', requestedBy: 'alice', prompt: 'Send c2?', status: 'pending', decidedBy: null, reason: null, offeredBy: null });
    expect(whole.text).not.toContain(NOTE);

    const first = await get('/v1/approvals?limit=1', tokens.dave!);
    expect(first.body).toMatchObject({ approvals: [{ runId: approvals[0]!.runId }], nextCursor: expect.any(String) });
    const second = await get(`/v1/approvals?limit=1&cursor=${(first.body as { nextCursor: string }).nextCursor}`, tokens.dave!);
    expect(second.body).toMatchObject({ approvals: [{ runId: approvals[1]!.runId }], nextCursor: null });
    expect(((await get('/v1/approvals', tokens.bob!)).body as { approvals: Array<{ runId: string }> }).approvals.map((a) => a.runId)).toEqual([late.gated[1]]);
    const viaTool = await callOk<{ approvals: Array<{ runId: string }>; nextCursor: string | null }>(bob, 'approval_list', { limit: 1 });
    expect(viaTool).toEqual({ approvals: [expect.objectContaining({ runId: late.gated[1] })], nextCursor: null });
  });

  it('refuses bad input on every new parameter with a typed 400, appending nothing', async () => {
    const before = await events();
    const [runId] = late.completed;
    const refusals: Array<[string, string]> = [
      ...['status=bogus', 'limit=0', 'limit=101', 'limit=abc', 'limit=-1', 'limit=1&limit=2', 'since=yesterday', 'until=2026-13-01T00:00:00Z', `since=${between}&until=${between}`,
        'allUsers=yes', 'automation=Not-A-Name', 'tenantId=other', 'foo=1'].map((query): [string, string] => [`/v1/runs?${query}`, 'run.invalid_filter']),
      ['/v1/runs?cursor=garbage', 'run.invalid_cursor'],
      ['/v1/runs?cursor=42', 'run.invalid_cursor'],
      ...['after=-1', 'after=abc', 'limit=0', 'limit=501', 'limit=abc', 'foo=1'].map((query): [string, string] => [`/v1/runs/${runId}/events?${query}`, 'run.invalid_query']),
      ['/v1/runs/not-a-run/events', 'run.invalid_id'],
      ...['version=0', 'version=abc', 'version=1.5', 'foo=1'].map((query): [string, string] => [`/v1/automations/quick?${query}`, 'automation.invalid_query']),
      ['/v1/automations/Not-A-Name', 'automation.invalid_name'],
      ...['limit=0', 'limit=101', 'limit=abc', 'foo=1'].map((query): [string, string] => [`/v1/approvals?${query}`, 'approval.invalid_query']),
      ['/v1/approvals?cursor=garbage', 'approval.invalid_cursor'],
    ];
    const token = h.issuer.mint({ tenantId: tenant, userId: 'root', scopes: ['runs:read', 'runs:admin', 'automations:admin', 'approvals:decide'] });
    for (const [path, code] of refusals) {
      const answer = await get(path, token);
      expect([path, answer.status, (answer.body.error as { code?: string } | undefined)?.code]).toEqual([path, 400, code]);
      expect(answer.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    }
    expect(await events()).toHaveLength(before.length);
  });

  it('documents the new endpoints in the OpenAPI document', async () => {
    const document = (await (await fetch(`${h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/runs', '/v1/runs/{runId}/events', '/v1/automations/{name}', '/v1/approvals']));
    const parameters = (path: string) => (document.paths[path]?.get?.parameters ?? []).map((parameter) => parameter.name).sort();
    expect(parameters('/v1/runs')).toEqual(['allUsers', 'automation', 'cursor', 'limit', 'requester', 'since', 'status', 'until']);
    expect(parameters('/v1/runs/{runId}/events')).toEqual(['after', 'limit', 'runId']);
    expect(parameters('/v1/automations/{name}')).toEqual(['name', 'version']);
    expect(parameters('/v1/approvals')).toEqual(['cursor', 'limit']);
  });
});
