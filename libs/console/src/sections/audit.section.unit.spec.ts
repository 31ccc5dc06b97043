import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/console-api.js';
import { handle } from '../testing/section-pages.js';
import { instantOf } from './audit-filters.js';
import { auditSection } from './audit.section.js';

const entry = (position: number, extra: Record<string, unknown> = {}) => ({ position, recordedAt: '2025-03-04T05:06:07.000Z', type: 'ConnectorRegistered', streamId: 'connector-billing', streamVersion: 1, userId: 'ada', clientId: 'ledgerline-console', tool: 'rest:PUT /v1/connectors/:name', scopes: [], correlationId: null, connector: 'billing', automation: null, runId: null, ...extra });

describe('the audit section', () => {
  it('passes the filters of the address to GET /v1/audit under its names, a UTC day inclusive', async () => {
    const { calls } = await handle(auditSection, 'GET', '/console/audit?user=ada&tool=automation_publish&stream=connector-billing&from=2025-03-01&to=2025-03-04&order=asc&limit=10&cursor=abc', () => ({ entries: [], nextCursor: null }));
    expect(calls).toEqual([{ method: 'GET', path: '/v1/audit', body: undefined, query: { userId: 'ada', tool: 'automation_publish', type: undefined, automation: undefined, connector: undefined, streamId: 'connector-billing', from: '2025-03-01T00:00:00.000Z', to: '2025-03-05T00:00:00.000Z', order: 'asc', limit: '10', cursor: 'abc' } }]);
  });

  it('links an entry to its run, or names its stream; pages on with the cursor the API gives', async () => {
    const { html } = await handle(auditSection, 'GET', '/console/audit?user=ada', () => ({ entries: [entry(2, { runId: 'run-0123456789abcdef', streamId: 'run-0123456789abcdef', type: 'RunStarted' }), entry(1)], nextCursor: 'next+1' }), { scopes: ['audit:read', 'runs:read'] });
    expect(html).toContain('href="/console/runs/run-0123456789abcdef"');
    expect(html).toContain('connector-billing #1');
    expect(html).toContain('href="/console/audit?user=ada&amp;cursor=next%2B1"');
    const withoutRuns = await handle(auditSection, 'GET', '/console/audit', () => ({ entries: [entry(2, { runId: 'run-0123456789abcdef' })], nextCursor: null }), { scopes: ['audit:read'] });
    expect(withoutRuns.html).not.toContain('href="/console/runs/');
  });

  it('refuses impossible times before any call, and puts the API refusal at its field', async () => {
    const local = await handle(auditSection, 'GET', '/console/audit?from=2025-02-30&to=yesterday&limit=7', () => ({ entries: [], nextCursor: null }));
    expect(local.calls).toEqual([]);
    expect(local.html).toContain('<a href="#from">From: enter a UTC date');
    expect(local.html).toContain('<a href="#to">Until: enter a UTC date');
    expect(local.html).toContain('<a href="#limit">Per page: choose');
    const refused = await handle(auditSection, 'GET', '/console/audit?type=bad%20type', () => new ApiError(400, 'audit.invalid_filter', 'invalid', { issues: [{ path: 'type', message: 'an event type, or a prefix ending in *' }] }));
    expect(refused.html).toContain('id="type-error">Event type: an event type, or a prefix ending in *<');
    const stale = await handle(auditSection, 'GET', '/console/audit?cursor=zzz', () => new ApiError(400, 'audit.invalid_cursor', 'invalid', {}));
    expect(stale.html).toContain('out of date');
    expect(stale.html).toContain('Back to the first page');
  });

  it('says when nothing matches', async () => {
    expect((await handle(auditSection, 'GET', '/console/audit?user=nobody', () => ({ entries: [], nextCursor: null }))).html).toContain('No entry matches these filters.');
  });

  it('reads UTC dates and times, a date alone ending its day', () => {
    expect([instantOf('2025-03-04 10:30', true), instantOf('2025-03-04T10:30:15', false), instantOf('2025-12-31', true), instantOf('', false), instantOf('2025-13-01', false)])
      .toEqual(['2025-03-04T10:30:00.000Z', '2025-03-04T10:30:15.000Z', '2026-01-01T00:00:00.000Z', undefined, 'invalid']);
  });
});
