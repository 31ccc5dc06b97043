import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addUser, authorize, claimsOf, exchangeCode, headerOf, refresh, registerClient } from './support/oauth-flow.js';
import { startPlatformOn, type PlatformHarness } from './support/platform-harness.js';

const PASSWORD = 'correct horse battery staple';

describe.each(['sqlite', 'postgres'] as const)('the built-in authorization server (%s)', (kind) => {
  let harness: PlatformHarness;
  let url: string;

  beforeAll(async () => {
    harness = await startPlatformOn(kind);
    url = harness.platform.url;
    await addUser(harness, 'acme', 'alice', PASSWORD);
  });
  afterAll(async () => harness?.stop());

  it('serves RFC 8414 metadata and the OpenID alias, named by the protected-resource metadata', async () => {
    const prm = (await (await fetch(`${url}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
    expect(prm.authorization_servers).toEqual([url]);
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: url,
        authorization_endpoint: `${url}/authorize`,
        token_endpoint: `${url}/token`,
        registration_endpoint: `${url}/register`,
        revocation_endpoint: `${url}/revoke`,
        jwks_uri: `${url}/jwks`,
        code_challenge_methods_supported: ['S256'],
        client_id_metadata_document_supported: true,
      });
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['memory:read', 'memory:write']));
    }
  });

  it('signs a person in, takes a subset of the scopes on consent, and issues an at+jwt for /mcp with tenant, user, client and grant', async () => {
    const client = await registerClient(url);
    const { code, verifier, state } = await authorize(url, { clientId: client.client_id, scope: 'memory:read memory:write audit:read', tenant: 'acme', username: 'alice', password: PASSWORD, grant: ['memory:read', 'memory:write'] });
    expect(state).toMatch(/^state-/);
    const token = await exchangeCode(url, client.client_id, code, verifier);
    expect(token.status).toBe(200);
    expect(token.body.refresh_token).toEqual(expect.any(String));
    const claims = claimsOf(token.body.access_token!);
    expect(headerOf(token.body.access_token!)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(claims).toMatchObject({ iss: url, aud: `${url}/mcp`, sub: 'alice', tenant_id: 'acme', client_id: client.client_id, grant_id: expect.any(String) });
    expect(String(claims.scope).split(' ').sort()).toEqual(['memory:read', 'memory:write']);
    const refreshed = await refresh(url, client.client_id, token.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);
  });
});
