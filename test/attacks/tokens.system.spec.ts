import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_TENANT } from '#core';
import { nowSeconds, rsaKeyPair, signed, unsigned, validClaims, withPayload, type Claims } from '../../libs/auth/src/testing/token-forge.js';
import { startPlatformOn, type PlatformHarness } from '../support/platform-harness.js';
import { rest, type RestAnswer } from '../support/rest.js';

/**
 * Token attacks against an installation trusting an external issuer's RS256 key, at /mcp and at
 * the admin REST API alike (the guard and the MCP middleware are two edges over one verifier).
 * Every forged, stale, misdirected or edited token gets 401 invalid_token with the RFC 6750 /
 * RFC 9728 challenge, is never echoed (not in the answer, not in the logs), and appends nothing.
 * The same requests with a good token succeed, so each refusal is the token's doing.
 */
const ISSUER = 'https://issuer.example';
const TOLERANCE = 30;
const TENANT = 'acme';

interface Edge {
  name: string;
  /** A request that appends when it is let through. */
  send(token: string | undefined, extra?: { headers?: Record<string, string>; query?: string }): Promise<RestAnswer>;
}

describe('token attacks at /mcp and the REST API (external issuer, RS256)', () => {
  let h: PlatformHarness;
  let dir: string;
  const keys = rsaKeyPair();
  const otherIssuerKeys = rsaKeyPair();
  let audience: string;
  let allScopes: string[];
  const claims = (overrides: Claims = {}): Claims => validClaims(ISSUER, audience, { tenant_id: TENANT, sub: 'alice', scope: allScopes.join(' '), ...overrides });
  const good = (overrides: Claims = {}): string => signed(claims(overrides), keys.privateKey, 'RS256');
  const log = (): Promise<number> => h.store.committedPosition();

  const mcp: Edge = {
    name: '/mcp',
    send: (token, extra = {}) => rest(h.platform.url, 'POST', `/mcp${extra.query ?? ''}`, token,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'memory_put', arguments: { scope: 'user', namespace: 'n', key: `k${Math.random()}`, value: 1 } } },
      { Accept: 'application/json, text/event-stream', ...extra.headers }),
  };
  let retentionCalls = 0;
  const admin: Edge = {
    name: 'REST',
    // Each call a new value: setting the retention it already has appends nothing (a random pick repeated one once in 300).
    send: (token, extra = {}) => rest(h.platform.url, 'PUT', `/v1/memory/retention${extra.query ?? ''}`, token, { days: 1 + (retentionCalls++ % 300) }, extra.headers),
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-token-attacks-'));
    writeFileSync(join(dir, 'issuer.pem'), keys.publicPem);
    h = await startPlatformOn('sqlite', {
      LEDGERLINE_AUTH_ISSUER: ISSUER,
      LEDGERLINE_AUTH_PUBLIC_KEY_FILE: join(dir, 'issuer.pem'),
      LEDGERLINE_AUTH_ALGORITHMS: 'RS256',
      LEDGERLINE_AUTH_CLOCK_TOLERANCE_SECONDS: String(TOLERANCE),
    });
    audience = `${h.platform.url}/mcp`;
    const metadata = (await (await fetch(`${h.platform.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] };
    allScopes = metadata.scopes_supported;
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/mcp', 'REST'])('lets a good token through at %s, within the clock tolerance too (the control)', async (name) => {
    const edge = name === '/mcp' ? mcp : admin;
    for (const token of [good(), good({ exp: nowSeconds() - 5 }), good({ nbf: nowSeconds() + 5 })]) {
      const before = await log();
      expect((await edge.send(token)).status).toBe(200);
      expect(await log()).toBeGreaterThan(before);
    }
  });

  const forged: Array<[string, () => string]> = [
    ['alg none (unsigned)', () => unsigned(claims())],
    ['alg none with a signature of the real key kept', () => withPayload(unsigned(claims()), claims()).replace(/\.$/, `.${good().split('.')[2]}`)],
    ['HS256 signed with the RS256 public key (key confusion)', () => signed(claims(), Buffer.from(keys.publicPem), 'HS256')],
    ['RS512 with the right key: an algorithm not allowed', () => signed(claims(), keys.privateKey, 'RS512')],
    ['PS256 with the right key: an algorithm not allowed', () => signed(claims(), keys.privateKey, 'PS256')],
    [`expired beyond the ${TOLERANCE} s tolerance`, () => good({ exp: nowSeconds() - TOLERANCE - 60 })],
    [`not valid before a time beyond the ${TOLERANCE} s tolerance`, () => good({ nbf: nowSeconds() + TOLERANCE + 60 })],
    ['without an expiry', () => signed(Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== 'exp')), keys.privateKey, 'RS256')],
    ['for another audience', () => good({ aud: 'https://other-server.example/mcp' })],
    ['for another resource of this server', () => good({ aud: `${h.platform.url}/v1` })],
    ['from another issuer, signed with the trusted key', () => good({ iss: 'https://evil.example' })],
    ["signed by another issuer's key, claiming the trusted issuer (a replayed token of another issuer)", () => signed(claims(), otherIssuerKeys.privateKey, 'RS256')],
    ['edited after signing: scopes widened', () => withPayload(good({ scope: 'memory:read' }), claims({ scope: allScopes.join(' ') }))],
    ['edited after signing: tenant changed', () => withPayload(good({ tenant_id: 'globex' }), claims())],
    ['without a tenant claim', () => signed(Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== 'tenant_id')), keys.privateKey, 'RS256')],
    ['with a tenant claim that is not a tenant id', () => good({ tenant_id: '../acme' })],
    ["naming the platform's reserved tenant", () => good({ tenant_id: PLATFORM_TENANT })],
    ['without a subject', () => good({ sub: '' })],
  ];

  describe.each(['/mcp', 'REST'])('at %s', (name) => {
    const edge = (): Edge => (name === '/mcp' ? mcp : admin);

    it.each(forged)('refuses a token %s: 401 invalid_token, not echoed, nothing appended', async (_case, forge) => {
      const token = forge();
      const before = await log();
      const logsBefore = h.platform.output().length;
      const answer = await edge().send(token);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", resource_metadata="${h.platform.url}/.well-known/oauth-protected-resource/mcp"`);
      expect(answer.body).toMatchObject({ error: 'invalid_token', error_description: expect.any(String) });
      const [header, payload, signature] = token.split('.');
      const leaks = [payload, signature, `${header}.${payload}`].filter((part): part is string => typeof part === 'string' && part.length > 8);
      for (const part of leaks) {
        expect(answer.text).not.toContain(part);
        expect(h.platform.output().slice(logsBefore)).not.toContain(part);
      }
      expect(await log()).toBe(before);
    });

    it('accepts the token in the Authorization header only: not in the query, not under another scheme', async () => {
      const token = good();
      const before = await log();
      const attempts: Array<{ headers?: Record<string, string>; query?: string }> = [
        { query: `?access_token=${token}` }, { headers: { Authorization: `Basic ${token}` } }, { headers: { Authorization: token } }, { headers: { Cookie: `access_token=${token}` } },
      ];
      for (const attempt of attempts) {
        const answer = await edge().send(undefined, attempt);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(answer.text).not.toContain(token.split('.')[2]!);
      }
      expect(await log()).toBe(before);
    });
  });

  it('hides from tools/list every tool whose scope the token lacks, and refuses calling it with 403 insufficient_scope', async () => {
    const listWith = async (scopes: string[]): Promise<string[]> => {
      const answer = await rest(h.platform.url, 'POST', '/mcp', good({ scope: scopes.join(' ') }), { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, { Accept: 'application/json, text/event-stream' });
      return ((answer.body.result as { tools: Array<{ name: string }> }).tools).map((tool) => tool.name).sort();
    };
    const all = await listWith(allScopes);
    expect(all.length).toBeGreaterThan(10);
    expect(await listWith([])).toEqual([]);
    // Each tool names the scope it needs in the challenge; without that one scope the tool is gone and the call refused.
    for (const tool of all) {
      const before = await log();
      const refused = await rest(h.platform.url, 'POST', '/mcp', good({ scope: '' }), { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } }, { Accept: 'application/json, text/event-stream' });
      expect([tool, refused.status]).toEqual([tool, 403]);
      const scope = /scope="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
      expect(refused.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}", resource_metadata="${h.platform.url}/.well-known/oauth-protected-resource/mcp"`);
      expect(allScopes).toContain(scope);
      expect(await listWith(allScopes.filter((s) => s !== scope))).not.toContain(tool);
      const without = await rest(h.platform.url, 'POST', '/mcp', good({ scope: allScopes.filter((s) => s !== scope).join(' ') }), { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } }, { Accept: 'application/json, text/event-stream' });
      expect([tool, without.status]).toEqual([tool, 403]);
      expect(await log()).toBe(before);
    }
  });

  it('guards every route of the OpenAPI document but the public ones: 401 without a token, 403 insufficient_scope without its scope (the token-only ones: their own refusal)', async () => {
    /** Routes that need a valid token and no scope: the confirmation page's REST half serves the person who made the call, whatever they hold. */
    const TOKEN_ONLY = new Set(['GET /v1/mcp/confirmations/{token}', 'POST /v1/mcp/confirmations/{token}']);
    const PUBLIC = new Set(['GET /healthz', 'GET /readyz', 'GET /.well-known/oauth-protected-resource', 'GET /.well-known/oauth-protected-resource/mcp', 'GET /.well-known/ledgerline-export-keys']);
    const document = (await (await fetch(`${h.platform.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m)).map((m) => [m.toUpperCase(), path] as const));
    const before = await log();
    const scopeless = good({ scope: '' });
    for (const [method, path] of routes.filter(([method, path]) => !PUBLIC.has(`${method} ${path}`))) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x');
      const anonymous = await rest(h.platform.url, method, concrete, undefined, method === 'GET' ? undefined : {});
      expect([method, path, anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([method, path, 401, `Bearer resource_metadata="${h.platform.url}/.well-known/oauth-protected-resource/mcp"`]);
      const unscoped = await rest(h.platform.url, method, concrete, scopeless, method === 'GET' ? undefined : {});
      if (TOKEN_ONLY.has(`${method} ${path}`)) {
        // Any token of the person who made the call will do: past the token, the route's own check refuses a made-up confirmation.
        expect([method, path, unscoped.status, (unscoped.body.error as { code?: string } | undefined)?.code]).toEqual([method, path, 400, 'confirmation.invalid']);
        continue;
      }
      expect([method, path, unscoped.status]).toEqual([method, path, 403]);
      expect(unscoped.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="[^"]+", resource_metadata=/);
    }
    expect(await log()).toBe(before);
  });
});
