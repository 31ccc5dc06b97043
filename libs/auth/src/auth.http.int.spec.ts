import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../test/support/processes.js';
import { AuthModule } from './auth.module.js';
import { resolveAuthSettings, type AuthSettings } from './auth.settings.js';
import { Authenticated } from './authenticated.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { DevIssuer } from './dev-issuer.js';
import { principalContext, type Principal } from './principal.js';
import { RequireScopes } from './require-scopes.decorator.js';
import { nowSeconds, signed, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

@Controller('mcp')
@Authenticated('memory:read')
class GuardedController {
  @Post()
  @HttpCode(200)
  call(@CurrentPrincipal() principal: Principal): { principal: Principal; fromContext: Principal } {
    return { principal, fromContext: principalContext.require() };
  }

  @Post('admin')
  @HttpCode(200)
  @RequireScopes('memory:admin')
  admin(): { ok: true } {
    return { ok: true };
  }
}

describe('the resource server over HTTP (Nest app on 127.0.0.1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-auth-http-'));
  let app: INestApplication;
  let base: string;
  let settings: AuthSettings;
  let issuer: DevIssuer;
  let metadataUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    settings = resolveAuthSettings({ publicUrl: base, dataDir: dir });
    issuer = DevIssuer.openOrCreate(dir, { issuer: settings.issuer, audience: settings.resourceUrl });
    metadataUrl = `${base}/.well-known/oauth-protected-resource/mcp`;
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(settings, { scopesSupported: ['memory:read', 'memory:write'] })],
      controllers: [GuardedController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function token(scopes: string[], tenantId = 'acme'): string {
    return issuer.mint({ tenantId, userId: 'alice', clientId: 'claude', scopes });
  }

  function post(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ tenantId: 'not-from-the-body' }) });
  }

  it('serves a valid dev token: 200, the principal from the token on the request and in principalContext', async () => {
    const response = await post('/mcp', { authorization: `Bearer ${token(['memory:read'], 'globex')}` });
    expect(response.status).toBe(200);
    const principal = { tenantId: 'globex', userId: 'alice', clientId: 'claude', scopes: ['memory:read'] };
    expect(await response.json()).toEqual({ principal, fromContext: principal });
  });

  it('answers a request without a token with 401 and the exact challenge naming the resource metadata', async () => {
    const response = await post('/mcp');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(await response.json()).toEqual({ error: 'unauthorized', error_description: 'a bearer token is required' });
  });

  it('answers a bad token with 401 error="invalid_token", and never echoes the token', async () => {
    const now = nowSeconds();
    const secret = settings.key.kind === 'dev' ? settings.key.secret : Buffer.alloc(0);
    const expired = signed(validClaims(settings.issuer, settings.resourceUrl, { iat: now - 600, nbf: now - 600, exp: now - 300 }), secret, 'HS256');
    const wrongAudience = signed(validClaims(settings.issuer, 'http://127.0.0.1:1/mcp'), secret, 'HS256');
    for (const [bad, description] of [
      [expired, 'the token has expired'],
      [wrongAudience, 'the token did not verify (format, signature, algorithm, issuer or audience)'],
      [`${token(['memory:read'])}x`, 'the token did not verify (format, signature, algorithm, issuer or audience)'],
    ] as const) {
      const response = await post('/mcp', { authorization: `Bearer ${bad}` });
      expect(response.status).toBe(401);
      const challenge = response.headers.get('www-authenticate');
      expect(challenge).toBe(`Bearer error="invalid_token", resource_metadata="${metadataUrl}"`);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({ error: 'invalid_token', error_description: description });
      for (const part of bad.split('.')) expect(`${body} ${challenge}`).not.toContain(part);
    }
  });

  it('answers a token without the needed scope with 403 insufficient_scope naming the scopes', async () => {
    const response = await post('/mcp', { authorization: `Bearer ${token(['memory:write'])}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="memory:read", resource_metadata="${metadataUrl}"`);
    expect(await response.json()).toEqual({ error: 'insufficient_scope', error_description: 'this call needs the scope memory:read' });

    const admin = await post('/mcp/admin', { authorization: `Bearer ${token(['memory:read'])}` });
    expect(admin.status).toBe(403);
    expect(admin.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="memory:read memory:admin", resource_metadata="${metadataUrl}"`);
    expect((await post('/mcp/admin', { authorization: `Bearer ${token(['memory:read', 'memory:admin'])}` })).status).toBe(200);
  });

  it('refuses a foreign Origin with 403 before looking at the token; allows the configured origins and no Origin', async () => {
    const valid = { authorization: `Bearer ${token(['memory:read'])}` };
    for (const origin of ['http://evil.example.com', 'null', `http://127.0.0.1:${Number(new URL(base).port) + 1}`]) {
      const response = await post('/mcp', { ...valid, origin });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'forbidden_origin', error_description: 'the Origin of this request is not allowed' });
    }
    expect((await post('/mcp', { origin: 'http://evil.example.com' })).status).toBe(403);
    for (const origin of [base, base.replace('127.0.0.1', 'localhost')]) expect((await post('/mcp', { ...valid, origin })).status).toBe(200);
    expect((await post('/mcp', valid)).status).toBe(200);
  });

  it('serves RFC 9728 protected-resource metadata at the root and at the MCP path, without a token', async () => {
    const expected = {
      resource: `${base}/mcp`,
      authorization_servers: [base],
      bearer_methods_supported: ['header'],
      scopes_supported: ['memory:read', 'memory:write'],
      resource_name: 'Ledgerline',
    };
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(expected);
    }
  });

  it('gives non-HTTP callers the same verification through the injected TokenVerifier', async () => {
    const verifier = app.get(TokenVerifier);
    await expect(verifier.verify(`Bearer ${token(['memory:read'])}`)).resolves.toMatchObject({ tenantId: 'acme', scopes: ['memory:read'] });
    await expect(verifier.verify(undefined)).rejects.toMatchObject({ code: 'auth.invalid_token', tokenPresented: false });
  });
});
