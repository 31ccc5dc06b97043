import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { federatedProvidersOf } from './federation-config.js';

const SECRET = 'upstream-client-secret-value';
const dir = mkdtempSync(join(tmpdir(), 'll-federation-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('upstream sign-in configuration', () => {
  it('is off when nothing is set', () => {
    expect(federatedProvidersOf({ single: {} })).toEqual([]);
  });

  it('builds the environment provider with its defaults, the secret read from its file', () => {
    const [provider] = federatedProvidersOf({ single: { issuer: 'https://sso.example.com/realms/acme', clientId: 'ledgerline', clientSecretFile: file('secret', `${SECRET}\n`), tenantDomains: 'Example.com=acme, example.org=globex' } });
    expect(provider).toMatchObject({ id: 'default', clientSecret: SECRET, scopes: 'openid email profile', userClaim: 'sub', label: expect.stringMatching(/^Sign in with/) });
    expect(provider!.tenantMapping).toEqual({ kind: 'claims', tenantClaim: undefined, tenantDomains: new Map([['example.com', 'acme'], ['example.org', 'globex']]) });
  });

  it('names each bad variable, and never the secret', () => {
    const attempt = (single: Record<string, string>): string => {
      try {
        federatedProvidersOf({ single });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const base = { issuer: 'https://sso.example.com', clientId: 'ledgerline', clientSecret: SECRET, tenant: 'acme' };
    expect(attempt({ ...base, issuer: 'http://sso.example.com' })).toMatch(/LEDGERLINE_OIDC_ISSUER: an https URL/);
    expect(attempt({ ...base, issuer: 'http://127.0.0.1:8080' })).toBe('accepted');
    expect(attempt({ ...base, clientSecretFile: '/x' })).toMatch(/LEDGERLINE_OIDC_CLIENT_SECRET: set the client secret or the file/);
    expect(attempt({ ...base, clientId: '' })).toMatch(/LEDGERLINE_OIDC_CLIENT_ID/);
    expect(attempt({ ...base, tenantClaim: 'org' })).toMatch(/LEDGERLINE_OIDC_TENANT: a provider of one tenant maps no claims/);
    expect(attempt({ ...base, tenant: 'ledgerline-platform' })).toMatch(/LEDGERLINE_OIDC_TENANT: a tenant id/);
    expect(attempt({ issuer: base.issuer, clientId: 'x', clientSecret: SECRET })).toMatch(/LEDGERLINE_OIDC_TENANT: say which tenant/);
    expect(attempt({ issuer: base.issuer, clientId: 'x', clientSecret: SECRET, tenantDomains: 'example.com' })).toMatch(/LEDGERLINE_OIDC_TENANT_DOMAINS: <domain>=<tenant>/);
    expect(attempt({ issuer: base.issuer, clientId: 'x', clientSecret: SECRET, tenantDomains: 'example=acme,b.example=no:pe' })).toMatch(/example is not a domain name.*no:pe \(for b.example\) is not a tenant id/);
    expect(attempt({ ...base, scopes: 'email profile' })).toMatch(/LEDGERLINE_OIDC_SCOPES: space-separated scopes, openid first/);
    expect(attempt({ clientId: 'ledgerline', clientSecret: SECRET, tenant: 'acme' })).toMatch(/LEDGERLINE_OIDC_ISSUER/);
    expect(attempt({ issuer: base.issuer, clientId: 'x', tenant: 'acme', clientSecretFile: join(dir, 'absent') })).toMatch(/LEDGERLINE_OIDC_CLIENT_SECRET_FILE: cannot read .*absent \(ENOENT\)/);
    for (const message of [attempt({ ...base, issuer: 'ftp://x' }), attempt({ ...base, clientSecretFile: '/x' })]) expect(message).not.toContain(SECRET);
  });

  it('reads several providers from the providers file, each with its own tenant mapping', () => {
    const path = file('providers.json', JSON.stringify([
      { id: 'acme', issuer: 'https://acme.okta.com/oauth2/default', clientId: 'a', clientSecret: SECRET, label: 'Sign in with Acme SSO', userClaim: 'email', tenant: 'acme' },
      { id: 'globex', issuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0', clientId: 'g', clientSecretFile: file('globex-secret', 'g-secret'), userClaim: 'oid', tenantDomains: { 'globex.example': 'globex' } },
    ]));
    const providers = federatedProvidersOf({ single: {}, providersFile: path });
    expect(providers.map((provider) => [provider.id, provider.clientSecret, provider.tenantMapping.kind])).toEqual([['acme', SECRET, 'fixed'], ['globex', 'g-secret', 'claims']]);
  });

  it('refuses a bad providers file by position, duplicate ids, and both ways at once', () => {
    const attempt = (content: string, single: Record<string, string> = {}): string => {
      try {
        federatedProvidersOf({ single, providersFile: file('bad.json', content) });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const one = { id: 'acme', issuer: 'https://sso.example.com', clientId: 'a', clientSecret: SECRET, tenant: 'acme' };
    expect(attempt('{not json')).toMatch(/LEDGERLINE_OIDC_PROVIDERS_FILE: cannot read .* as JSON/);
    expect(attempt(JSON.stringify([one, { ...one, issuer: 'nope' }]))).toMatch(/LEDGERLINE_OIDC_PROVIDERS_FILE \[1\]\.issuer: an https URL/);
    expect(attempt(JSON.stringify([{ ...one, colour: 'red' }]))).toMatch(/\[0\]: unknown colour/);
    expect(attempt(JSON.stringify([one, one]))).toMatch(/provider id acme appears twice/);
    expect(attempt(JSON.stringify([]))).toMatch(/LEDGERLINE_OIDC_PROVIDERS_FILE/);
    expect(attempt(JSON.stringify([one]), { issuer: 'https://sso.example.com' })).toMatch(/not both/);
  });
});
