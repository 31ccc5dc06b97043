import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle, type FakeAnswer } from '../testing/section-pages.js';
import { operationsSection } from './operations.section.js';

const ADMIN = ['platform:admin'];
const tenant = (id: string, status: 'active' | 'suspended' = 'active') => ({ id, name: `Name of ${id}`, createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'root', status, suspendedAt: status === 'suspended' ? '2025-02-01T00:00:00.000Z' : null, reason: status === 'suspended' ? 'unpaid' : null });
const TENANTS = [...Array.from({ length: 120 }, (_, i) => tenant(`t${String(i).padStart(3, '0')}`)), tenant('acme'), tenant('globex', 'suspended')];
const RUN_A = 'run-0198c6d2-7a4e-7b21-9d1f-3c5e8a9b0c1d';
const RUN_B = 'run-0198c6d2-7a4e-7b21-9d1f-3c5e8a9b0c1e';
const DEAD = { kafka: true, deadLetters: [{ tenantId: 'acme', runId: RUN_A, failures: 3, error: 'ghost v1 is missing', at: '2025-03-01T00:00:00.000Z' }, { tenantId: 'globex', runId: RUN_B, failures: 3, error: 'boom', at: '2025-03-01T00:00:01.000Z' }] };

/** GET answers by path; `post` for POSTs. */
const api = (gets: Record<string, unknown>, post: (path: string, body: unknown) => unknown = () => ({})): FakeAnswer => (method, path, _query, body) => {
  if (method === 'POST') return post(path, body);
  const answer = gets[path];
  if (answer === undefined) throw new Error(`unexpected GET ${path}`);
  return answer;
};
const get = (target: string, gets: Record<string, unknown>) => handle(operationsSection, 'GET', target, api(gets), { scopes: ADMIN });
const postTo = (target: string, form: Record<string, string>, gets: Record<string, unknown>, post: (path: string, body: unknown) => unknown) => handle(operationsSection, 'POST', target, api(gets, post), { scopes: ADMIN, form });
const rows = (html: string): string[] => [...html.matchAll(/<span class="ll-strong">([^<]+)<\/span>/g)].map((match) => match[1]!);

describe('the operations section', () => {
  it('pages the tenants 50 at a time by id, follows the URL, and opens at the page holding a changed tenant', async () => {
    const first = await get('/console/operations/tenants', { '/v1/tenants': TENANTS });
    expect(rows(first.html)).toHaveLength(50);
    expect(rows(first.html)[0]).toBe('acme');
    expect(first.html).toContain('href="/console/operations/tenants?after=t047"');
    const second = await get('/console/operations/tenants?after=t047', { '/v1/tenants': TENANTS });
    expect(rows(second.html)[0]).toBe('t048');
    const holding = await get('/console/operations/tenants?tenant=t100&notice=suspended', { '/v1/tenants': TENANTS });
    expect(rows(holding.html)[0]).toBe('t098');
    expect(holding.html).toContain('t100 is suspended: every token of it is refused');
    expect(holding.html).not.toContain('tenant=t100&amp;after');
    const filtered = await get('/console/operations/tenants?q=GLOB', { '/v1/tenants': TENANTS });
    expect(rows(filtered.html)).toEqual(['globex']);
    expect(filtered.html).toContain('href="/console/operations/tenants/globex/resume"');
  });

  it('refuses a bad tenant id inline without calling the API, and puts a duplicate at the id field', async () => {
    const calls: unknown[] = [];
    const bad = await postTo('/console/operations/tenants/new', { id: 'bad id', name: 'Bad' }, {}, (path, body) => calls.push([path, body]));
    expect(bad.result).toMatchObject({ kind: 'page', status: 400 });
    expect(bad.html).toContain('<a href="#id">The id must be 1 to 64 letters');
    expect(calls).toEqual([]);
    const taken = await postTo('/console/operations/tenants/new', { id: 'acme', name: 'Acme' }, {}, () => new ApiError(409, 'tenant.exists', 'tenant acme already exists', {}));
    expect(taken.html).toContain('id="id-error">A tenant with the id acme exists already');
    expect(taken.html).toContain('value="Acme"');
    const created = await postTo('/console/operations/tenants/new', { id: 'initech', name: 'Initech' }, {}, () => ({ id: 'initech', name: 'Initech' }));
    expect(created.result).toEqual({ kind: 'redirect', to: '/console/operations/tenants?tenant=initech&notice=created' });
  });

  it('suspends only with a reason, behind a page naming the tenant; an unknown tenant is Not found', async () => {
    const confirm = await get('/console/operations/tenants/acme/suspend', { '/v1/tenants': TENANTS });
    expect(confirm.html).toContain('<h1>Suspend acme?</h1>');
    expect(confirm.html).toContain('>Suspend acme</button>');
    expect(confirm.html).toContain('This is your own tenant'); // the session's tenant is acme
    expect((await get('/console/operations/tenants/t001/suspend', { '/v1/tenants': TENANTS })).html).not.toContain('This is your own tenant');
    const posted: unknown[] = [];
    const empty = await postTo('/console/operations/tenants/acme/suspend', { reason: ' ' }, { '/v1/tenants': TENANTS }, (path, body) => posted.push([path, body]));
    expect(empty.html).toContain('id="reason-error">Enter why acme is suspended.');
    expect(posted).toEqual([]);
    const done = await postTo('/console/operations/tenants/acme/suspend', { reason: 'unpaid' }, { '/v1/tenants': TENANTS }, (path, body) => posted.push([path, body]));
    expect(posted).toEqual([['/v1/tenants/acme/suspend', { reason: 'unpaid' }]]);
    expect(done.result).toEqual({ kind: 'redirect', to: '/console/operations/tenants?tenant=acme&notice=suspended' });
    const raced = await postTo('/console/operations/tenants/globex/resume', {}, { '/v1/tenants': TENANTS }, () => new ApiError(409, 'tenant.not_suspended', 'no', {}));
    expect(raced.html).toContain('globex is not suspended: someone else resumed it.');
    await expect(get('/console/operations/tenants/nobody/suspend', { '/v1/tenants': TENANTS })).rejects.toMatchObject({ status: 404 });
  });

  it("shows a rebuild's progress, says interrupted? after a minute without a batch, and answers a poll that would show the same with 204", async () => {
    const replay = (updatedAt: string) => ({ head: 40, projections: [{ name: 'runs', version: 2, storedVersion: 2, checkpoint: 30, partitions: null, lag: 10, replay: { generation: 1, tenantId: null, position: 15, target: 30, progress: 0.5, updatedAt } }] });
    const working = await get('/console/operations/views', { '/v1/admin/projections': replay(new Date().toISOString()) });
    expect(working.html).toContain('50 %');
    expect(working.html).not.toContain('interrupted?');
    const longAgo = new Date(Date.now() - 120_000).toISOString();
    const stopped = await get('/console/operations/views', { '/v1/admin/projections': replay(longAgo) });
    expect(stopped.html).toContain('interrupted?');
    const digest = /hx-get="\/console\/operations\/views\?live=([^"]+)"/.exec(stopped.html)![1]!;
    const same = await get(`/console/operations/views?live=${digest}`, { '/v1/admin/projections': replay(longAgo) });
    expect(same.result).toEqual({ kind: 'unchanged' });
    const moved = await get(`/console/operations/views?live=${digest}`, { '/v1/admin/projections': replay(new Date().toISOString()) });
    expect(moved.result.kind).toBe('fragment');
  });

  it('says plainly when there is no Kafka, and when Kafka does not answer, on the page itself', async () => {
    const none = await get('/console/operations/kafka', { '/v1/admin/kafka/lag': { kafka: false, groups: [] } });
    expect(none.html).toContain('This platform runs without Kafka.');
    const down = await get('/console/operations/kafka', { '/v1/admin/kafka/lag': new ApiError(503, 'operations.kafka.unavailable', 'Kafka does not answer: timeout', {}) });
    expect(down.result).toMatchObject({ kind: 'page', title: 'Kafka' });
    expect(down.result).not.toHaveProperty('status');
    expect(down.html).toContain('Kafka does not answer');
    const letters = await get('/console/operations/dead-letters', { '/v1/admin/dead-letters': { kafka: false, deadLetters: [] } });
    expect(letters.html).toContain('This platform runs without Kafka.');
    expect(letters.html).not.toContain('Redrive');
  });

  it('redrives the runs confirmed; a run gone meanwhile is named and nothing redriven; no selection is an inline error', async () => {
    const gets = { '/v1/admin/dead-letters': DEAD };
    const list = await get('/console/operations/dead-letters', gets);
    expect(list.html).toContain(`value="acme/${RUN_A}"`);
    const none = await get('/console/operations/dead-letters/redrive', gets);
    expect(none.html).toContain('<a href="#runs">Select the runs to redrive');
    const confirm = await get(`/console/operations/dead-letters/redrive?run=acme/${RUN_A}&run=acme/${RUN_B}`, gets);
    expect(confirm.html).toContain('<h1>Redrive 1 run?</h1>');
    expect(confirm.html).toContain(`so left out: acme/${RUN_B}`);
    const bodies: unknown[] = [];
    const gone = await postTo('/console/operations/dead-letters/redrive', { run: `globex/${RUN_B}` }, gets, (_path, body) => {
      bodies.push(body);
      return new ApiError(404, 'operations.dead_letters.not_found', 'gone', { runs: [{ tenantId: 'acme', runId: RUN_A }] });
    });
    expect(gone.html).toContain(`nothing was redriven: acme/${RUN_A}`);
    expect(gone.html).toContain('<h1>Redrive 1 run?</h1>');
    const all = await postTo('/console/operations/dead-letters/redrive', { all: '1' }, gets, (_path, body) => (bodies.push(body), { redriven: DEAD.deadLetters.map(({ tenantId, runId }) => ({ tenantId, runId })) }));
    expect(all.result).toEqual({ kind: 'redirect', to: '/console/operations/dead-letters?notice=redriven&count=2' });
    expect(bodies).toEqual([{ runs: [{ tenantId: 'globex', runId: RUN_B }] }, { all: true }]);
    const noKafka = await postTo('/console/operations/dead-letters/redrive', { all: '1' }, { '/v1/admin/dead-letters': { kafka: false, deadLetters: [] } }, () => new ApiError(409, 'operations.kafka.not_configured', 'no', {}));
    expect(noKafka.html).toContain('This platform runs without Kafka: there are no dead letters, and nothing was redriven.');
  });
});
