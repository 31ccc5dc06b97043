import { describe, expect, it } from '@jest/globals';
import { ForbiddenError, ValidationError } from '#core';
import { clientMetadataOf, parseClientRegistration, type ScopeRules } from './client-registration.js';
import { clientViewOf, scopeBoundOf } from './client-view.js';

const known = new Set(['runs:read', 'connectors:read', 'memory:write', 'platform:admin']);
const anyKnown: ScopeRules = { known, mayGive: () => true };
const service = { name: 'Nightly reconciler', kind: 'service', scopes: ['runs:read', 'connectors:read'] };
const interactive = { name: 'Desk app', kind: 'interactive', redirectUris: ['https://desk.example/callback', 'http://127.0.0.1:8765/cb'] };

const refusal = (input: Parameters<typeof parseClientRegistration>[0], rules = anyKnown): { code: string; kind: string } => {
  try {
    parseClientRegistration(input, rules);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ForbiddenError) return { code: error.code, kind: error.kind };
    throw error;
  }
  throw new Error('accepted');
};

describe('parseClientRegistration', () => {
  it('accepts a service principal with its scopes, and an interactive client with its redirect URIs (automation scopes are known)', () => {
    expect(parseClientRegistration({ ...service, scopes: ['runs:read', 'runs:read', 'automation:billing'] }, anyKnown)).toEqual({ name: 'Nightly reconciler', kind: 'service', scopes: ['runs:read', 'automation:billing'], redirectUris: [] });
    expect(parseClientRegistration(interactive, anyKnown)).toEqual({ name: 'Desk app', kind: 'interactive', scopes: [], redirectUris: interactive.redirectUris });
  });

  it.each([
    [{ ...service, name: '' }, 'identity.client.invalid_name'],
    [{ ...service, name: 'a\u0000b' }, 'identity.client.invalid_name'],
    [{ ...service, name: 'x'.repeat(201) }, 'identity.client.invalid_name'],
    [{ ...service, kind: 'robot' }, 'identity.client.invalid_kind'],
    [{ ...service, scopes: 'runs:read' }, 'identity.client.invalid_scopes'],
    [{ ...service, scopes: ['runs:read', 7] }, 'identity.client.invalid_scopes'],
    [{ ...service, scopes: ['runs:write'] }, 'identity.client.unknown_scope'],
    [{ ...service, scopes: ['automation:Bad Name'] }, 'identity.client.unknown_scope'],
    [{ ...service, scopes: ['platform:admin'] }, 'identity.client.scope_not_allowed'],
    [{ ...service, scopes: [] }, 'identity.client.scopes_required'],
    [{ ...service, redirectUris: ['https://x.example/cb'] }, 'identity.client.redirect_uri_not_allowed'],
    [{ ...interactive, redirectUris: [] }, 'identity.client.redirect_uri_required'],
    [{ ...interactive, redirectUris: undefined }, 'identity.client.redirect_uri_required'],
    [{ ...interactive, redirectUris: ['http://desk.example/cb'] }, 'identity.client.invalid_redirect_uri'],
    [{ ...interactive, redirectUris: ['https://desk.example/cb#x'] }, 'identity.client.invalid_redirect_uri'],
    [{ ...interactive, redirectUris: ['https://user:pw@desk.example/cb'] }, 'identity.client.invalid_redirect_uri'],
    [{ ...interactive, redirectUris: ['javascript:alert(1)'] }, 'identity.client.invalid_redirect_uri'],
    [{ ...interactive, redirectUris: ['not a uri'] }, 'identity.client.invalid_redirect_uri'],
    [{ ...interactive, redirectUris: Array.from({ length: 11 }, (_, i) => `https://x.example/${i}`) }, 'identity.client.invalid_redirect_uri'],
  ])('refuses %j with %s', (input, code) => {
    expect(refusal(input).code).toBe(code);
  });

  it('refuses a scope the registrant does not hold (forbidden), naming it', () => {
    expect(refusal(service, { known, mayGive: (scope) => scope === 'runs:read' })).toEqual({ code: 'identity.client.scope_not_held', kind: 'forbidden' });
  });
});

describe('clientMetadataOf', () => {
  it('makes a service principal: client credentials with a Basic secret, bound to its tenant, no redirect', () => {
    const registration = parseClientRegistration(service, anyKnown);
    expect(clientMetadataOf('acme', registration, { clientId: 'svc-1', clientSecret: 's3cret' })).toEqual({
      client_id: 'svc-1', client_secret: 's3cret', client_name: 'Nightly reconciler', tenant_id: 'acme', resource_scope: 'runs:read connectors:read',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  it('makes an interactive client public (PKCE), bound to its tenant, without a scope bound unless given', () => {
    const metadata = clientMetadataOf('acme', parseClientRegistration(interactive, anyKnown), { clientId: 'app-1' });
    expect(metadata).toMatchObject({ client_id: 'app-1', tenant_id: 'acme', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: interactive.redirectUris });
    expect(metadata).not.toHaveProperty('resource_scope');
    expect(metadata).not.toHaveProperty('client_secret');
    const bounded = clientMetadataOf('acme', parseClientRegistration({ ...interactive, scopes: ['memory:write'] }, anyKnown), { clientId: 'app-2' });
    expect(bounded.resource_scope).toBe('memory:write');
    expect(clientViewOf(bounded)).toMatchObject({ kind: 'interactive', scopes: ['memory:write'], tenantId: 'acme' });
    expect(scopeBoundOf({ ...bounded, tenant_id: undefined })).toBeUndefined();
  });
});
