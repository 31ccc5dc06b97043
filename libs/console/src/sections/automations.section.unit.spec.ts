import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle, notFound } from '../testing/section-pages.js';
import { automationsSection } from './automations.section.js';

const LIST = { automations: [{ name: 'refund_order', version: 2, title: 'Refund an order', scope: 'automation:refund_order', publishedAt: '2025-01-02T03:04:05.000Z' }] };
const DETAILS = {
  name: 'refund_order',
  versions: [
    { version: 1, publishedAt: '2025-01-01T00:00:00.000Z', publishedBy: 'ada' },
    { version: 2, publishedAt: '2025-01-02T03:04:05.000Z', publishedBy: 'bob' },
  ],
  definition: { name: 'refund_order', title: 'Refund an order', steps: [{ id: 'ask', type: 'approval', prompt: 'Refund <b>?' }] },
};

describe('the automations section', () => {
  it("shows an automation's versions and its latest definition from GET /v1/automations/{name}", async () => {
    const { html, calls } = await handle(automationsSection, 'GET', '/console/automations/refund_order', () => DETAILS);
    expect(calls).toEqual([{ method: 'GET', path: '/v1/automations/refund_order', query: { version: undefined }, body: undefined }]);
    expect(html).toContain('v2 (shown)');
    expect(html).toContain('bob');
    expect(html).toContain('Refund &lt;b>?');
    expect(html).toContain('Definition of version 2');
  });

  it('asks for the version in the address, and says when the address holds no version number', async () => {
    const { calls } = await handle(automationsSection, 'GET', '/console/automations/refund_order?version=1', () => ({ ...DETAILS, version: 1 }));
    expect(calls[0]!.query).toEqual({ version: 1 });
    const { html } = await handle(automationsSection, 'GET', '/console/automations/refund_order?version=x', () => DETAILS);
    expect(html).toContain('not a version number');
  });

  it('falls back to the list, saying so, where the platform has no GET /v1/automations/{name} (404 route.not_found)', async () => {
    const { html, result } = await handle(automationsSection, 'GET', '/console/automations/refund_order', (_method, path) => (path === '/v1/automations' ? LIST : notFound('route.not_found')));
    expect(result).toMatchObject({ kind: 'page', title: 'Automation refund_order' });
    expect(html).toContain('does not give an automation');
    expect(html).toContain('v2');
    expect(html).not.toContain('ll-json');
  });

  it("is Not found for a name the tenant does not have, whether or not the platform has the endpoint, and for a name that cannot be one", async () => {
    for (const answer of [() => notFound('automation.not_found'), (_m: string, path: string) => (path === '/v1/automations' ? LIST : notFound('route.not_found'))]) {
      const { result } = await handle(automationsSection, 'GET', '/console/automations/other_tenants', answer);
      expect(result).toMatchObject({ kind: 'page', title: 'Not found', status: 404 });
    }
    const { result, calls } = await handle(automationsSection, 'GET', '/console/automations/Not%20a%20name', () => DETAILS);
    expect([result, calls]).toMatchObject([{ status: 404 }, []]);
  });

  it('lists by name a page at a time, narrowed by a part of the name', async () => {
    const many = { automations: Array.from({ length: 60 }, (_, i) => ({ ...LIST.automations[0]!, name: `auto_${String(i).padStart(2, '0')}` })) };
    const first = await handle(automationsSection, 'GET', '/console/automations', () => many);
    expect(first.html).toContain('auto_49');
    expect(first.html).not.toContain('auto_50');
    expect(first.html).toContain('after=auto_49');
    const second = await handle(automationsSection, 'GET', '/console/automations?after=auto_49', () => many);
    expect(second.html).toContain('auto_59');
    expect(second.html).not.toContain('Next page');
    const narrowed = await handle(automationsSection, 'GET', '/console/automations?name=_1', () => many);
    expect(narrowed.html.match(/auto_1\d</g)).toHaveLength(10);
  });

  it('catches malformed JSON before any call, with its line and column, and keeps the text', async () => {
    const text = '{\n  "name": "x",\n}';
    const { html, calls } = await handle(automationsSection, 'POST', '/console/publish-automation', () => undefined, { form: { definition: text } });
    expect(calls).toEqual([]);
    expect(html).toContain('line 3, column 1: a comma before }');
    expect(html).toContain('"name": "x",'.replace(/"/g, '&quot;'));
  });

  it('shows every issue of a refused definition, with its path, in the summary and beside the field', async () => {
    const refusal = new ApiError(400, 'automation.invalid', 'invalid', { issues: [{ path: 'name', message: 'names are 3-48 characters' }, { path: 'steps.0.connector', message: 'no connector named nope' }, { path: '', message: 'is too big' }] });
    const { html, calls } = await handle(automationsSection, 'POST', '/console/publish-automation', () => refusal, { form: { definition: '{"name":"Bad"}' } });
    expect(calls).toEqual([{ method: 'POST', path: '/v1/automations', query: {}, body: { definition: { name: 'Bad' } } }]);
    for (const line of ['name: names are 3-48 characters', 'steps.0.connector: no connector named nope', 'The definition: is too big']) {
      expect(html.split(line)).toHaveLength(3); // in the summary and inline
    }
  });

  it('goes to the published version, saying whether anything changed', async () => {
    const { result } = await handle(automationsSection, 'POST', '/console/publish-automation', () => ({ name: 'refund_order', version: 3, changed: false }), { form: { definition: '{"name":"refund_order"}' } });
    expect(result).toEqual({ kind: 'redirect', to: '/console/automations/refund_order?version=3&notice=unchanged' });
  });
});
