import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { TrustedKeys } from '#compliance';
import { GENESIS_HASH, type RecordedEvent } from '#event-store';
import { verifyBytes } from '../libs/compliance/src/export/testing/export-bytes.js';
import { collect } from '../libs/event-store/src/testing/event-store.contract.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const connector = { config: { baseUrl: 'https://erp.example.com', allowedHosts: ['erp.example.com'] } };

describe.each(['sqlite', 'postgres'] as const)('compliance export over REST on %s', (kind) => {
  let h: PlatformHarness;
  const token = (tenantId: string, scopes: string[]) => h.issuer.mint({ tenantId, userId: `${tenantId}-auditor`, scopes });
  const download = (path: string, bearer?: string) => fetch(`${h.platform.url}${path}`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  const logOf = (tenantId: string) => collect(h.store.readAll({ tenantId }));
  const trusted = async () => TrustedKeys.parse(await (await fetch(`${h.platform.url}/.well-known/ledgerline-export-keys`)).text(), 'jwks');
  const eventsIn = (file: Buffer): RecordedEvent[] =>
    gunzipSync(file).toString('utf8').split('\n').filter((line) => line.startsWith('{"kind":"event"')).map((line) => (JSON.parse(line) as { event: RecordedEvent }).event);

  beforeAll(async () => {
    h = await startPlatformOn(kind);
    for (const [tenantId, name] of [['acme', 'erp'], ['globex', 'ledger'], ['acme', 'crm']]) {
      const response = await fetch(`${h.platform.url}/v1/connectors/${name}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token(tenantId!, ['connectors:admin'])}` },
        body: JSON.stringify({ description: `${tenantId} ${name}`, ...connector }),
      });
      expect(response.status).toBe(200);
    }
  });
  afterAll(async () => h?.stop());

  it('publishes the export key as a JWKS, unauthenticated', async () => {
    const response = await fetch(`${h.platform.url}/.well-known/ledgerline-export-keys`);
    expect(response.status).toBe(200);
    const jwks = await response.json() as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' }]);
  });

  it('streams the caller\'s tenant\'s export, which verifies against the published JWKS, and records it in the tenant\'s log', async () => {
    const response = await download('/v1/compliance/export?withViews=true', token('acme', ['compliance:export']));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="acme-\d{8}T\d{6}Z\.ndjson\.gz"$/);
    const file = Buffer.from(await response.arrayBuffer());
    const result = await verifyBytes(file, await trusted());
    expect(result).toMatchObject({ ok: true, manifest: { tenantId: 'acme', counts: { byType: { ConnectorRegistered: 2, ExportRequested: 1 } } } });
    expect(result.viewRows).toBeGreaterThan(0);
    expect(eventsIn(file).every((event) => event.tenantId === 'acme')).toBe(true);

    // ExportCompleted is appended once the last byte is written: the client can see the end first.
    let log = await logOf('acme');
    for (const deadline = Date.now() + 10_000; log.at(-1)?.type !== 'ExportCompleted' && Date.now() < deadline; log = await logOf('acme')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [requested, completed] = log.slice(-2);
    expect(requested).toMatchObject({ type: 'ExportRequested', data: { withViews: true, range: {} }, metadata: { userId: 'acme-auditor', tool: 'rest:GET /v1/compliance/export' } });
    expect(completed).toMatchObject({ type: 'ExportCompleted', streamId: requested!.streamId, data: { chainHead: result.manifest!.chainHead, keyId: result.manifest!.keyId } });
  });

  it('gives a token of tenant B only tenant B\'s events, whatever the query says', async () => {
    const forbiddenAsk = await download('/v1/compliance/export?tenant=acme', token('globex', ['compliance:export']));
    expect(forbiddenAsk.status).toBe(400);
    const response = await download('/v1/compliance/export', token('globex', ['compliance:export']));
    expect(response.status).toBe(200);
    const file = Buffer.from(await response.arrayBuffer());
    expect(await verifyBytes(file, await trusted())).toMatchObject({ ok: true, manifest: { tenantId: 'globex' } });
    const events = eventsIn(file);
    expect(events.map((event) => event.type)).toEqual(['ConnectorRegistered', 'ExportRequested']);
    expect(gunzipSync(file).toString('utf8')).not.toMatch(/acme/);
  });

  it('answers 401 without a token, 403 without the scope, 400 on a bad query and 404 for a tenant without events, appending nothing', async () => {
    const before = [(await logOf('acme')).length, (await logOf('initech')).length];
    expect((await download('/v1/compliance/export')).status).toBe(401);
    const noScope = await download('/v1/compliance/export', token('acme', ['audit:read', 'connectors:admin']));
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="compliance:export"');
    for (const [query, code] of [
      ['since=yesterday', 'compliance.export.invalid_range'],
      ['since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z', 'compliance.export.invalid_range'],
      ['withViews=maybe', 'compliance.export.invalid_query'],
      ['tenantId=globex', 'compliance.export.invalid_query'],
    ] as const) {
      const response = await download(`/v1/compliance/export?${query}`, token('acme', ['compliance:export']));
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(await response.json()).toMatchObject({ error: { code } });
    }
    const unknown = await download('/v1/compliance/export', token('initech', ['compliance:export']));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'compliance.export.unknown_tenant' } });
    expect([(await logOf('acme')).length, (await logOf('initech')).length]).toEqual(before);
  });

  it('exports a time range whose chainStart is the hash before its first event', async () => {
    const log = await logOf('acme');
    const since = log[1]!.recordedAt;
    const response = await download(`/v1/compliance/export?since=${encodeURIComponent(since)}`, token('acme', ['compliance:export']));
    const file = Buffer.from(await response.arrayBuffer());
    const result = await verifyBytes(file, await trusted());
    expect(result.ok).toBe(true);
    const first = log.find((event) => event.recordedAt >= since)!;
    expect(result.manifest).toMatchObject({ chainStart: first.tenantPosition === 1 ? GENESIS_HASH : log[first.tenantPosition - 2]!.hash, first: { tenantPosition: first.tenantPosition } });
  });

  it('documents the export in OpenAPI', async () => {
    const document = await (await fetch(`${h.platform.url}/docs/openapi.json`)).json() as { paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>> };
    expect(document.paths['/v1/compliance/export']!.get!.parameters!.map((parameter) => parameter.name).sort()).toEqual(['since', 'until', 'withViews']);
  });
});
