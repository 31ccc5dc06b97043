import { isAutomationScope } from '#automation';
import { ForbiddenError, ValidationError } from '#core';

export type ClientKind = 'service' | 'interactive';

/** A client a tenant admin registers, checked: every field as oidc-provider will be given it. */
export interface ClientRegistration {
  name: string;
  kind: ClientKind;
  scopes: string[];
  redirectUris: string[];
}

export interface ScopeRules {
  /** The platform's scopes (`automation:<name>` ones are known too). */
  known: ReadonlySet<string>;
  /** Whether the registrant may hand this scope on: over REST, only scopes its own token holds. */
  mayGive(scope: string): boolean;
}

const NAME = /^[^\p{Cc}]{1,200}$/u;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_SCOPES = 50;
const MAX_REDIRECT_URIS = 10;
const MAX_URI_LENGTH = 2000;
/** Only operators hold it, and a client never does (the authorization server strips it from client credentials too). */
const NEVER_GIVEN = 'platform:admin';

/**
 * Checks what a tenant admin asks to register. A service principal (client credentials) needs the
 * scopes it may hold and no redirect URI; an interactive client needs at least one redirect URI
 * (https, or http on loopback for native apps), and its scopes, if any, bound what people may
 * grant it. Nothing is registered unless all of it holds.
 */
export function parseClientRegistration(input: { name?: unknown; kind?: unknown; scopes?: unknown; redirectUris?: unknown }, rules: ScopeRules): ClientRegistration {
  const { name, kind } = input;
  if (typeof name !== 'string' || !NAME.test(name.trim())) throw invalid('identity.client.invalid_name', 'name: 1-200 characters, no control characters');
  if (kind !== 'service' && kind !== 'interactive') throw invalid('identity.client.invalid_kind', 'kind: service or interactive');
  const scopes = checkScopes(stringList(input.scopes, 'scopes', MAX_SCOPES), rules);
  const redirectUris = stringList(input.redirectUris, 'redirectUris', MAX_REDIRECT_URIS);
  if (kind === 'service') {
    if (scopes.length === 0) throw invalid('identity.client.scopes_required', 'a service principal needs the scopes it may hold');
    if (redirectUris.length > 0) throw invalid('identity.client.redirect_uri_not_allowed', 'a service principal signs nobody in: it has no redirect URI');
  } else {
    if (redirectUris.length === 0) throw invalid('identity.client.redirect_uri_required', 'an interactive client needs at least one redirect URI');
    for (const uri of redirectUris) checkRedirectUri(uri);
  }
  return { name: name.trim(), kind, scopes, redirectUris: [...new Set(redirectUris)] };
}

/**
 * The oidc-provider metadata of a registered client: service principals authenticate with a secret
 * (Basic), interactive clients are public and use PKCE. The scopes it may hold go in
 * `resource_scope`, ours: the library's own `scope` may only list its OpenID scopes.
 */
export function clientMetadataOf(tenantId: string, registration: ClientRegistration, ids: { clientId: string; clientSecret?: string }): Record<string, unknown> {
  const common = { client_id: ids.clientId, client_name: registration.name, tenant_id: tenantId, ...(registration.scopes.length > 0 && { resource_scope: registration.scopes.join(' ') }) };
  if (registration.kind === 'service') {
    return { ...common, client_secret: ids.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };
  }
  return { ...common, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: registration.redirectUris, token_endpoint_auth_method: 'none' };
}

function stringList(value: unknown, field: string, max: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > max || !value.every((item) => typeof item === 'string')) {
    throw invalid(`identity.client.invalid_${field === 'scopes' ? 'scopes' : 'redirect_uri'}`, `${field}: at most ${max} strings`);
  }
  return value as string[];
}

function checkScopes(scopes: string[], rules: ScopeRules): string[] {
  const unique = [...new Set(scopes)];
  const unknown = unique.filter((scope) => !rules.known.has(scope) && !isAutomationScope(scope));
  if (unknown.length > 0) throw invalid('identity.client.unknown_scope', `unknown scopes: ${unknown.join(' ')}`, { scopes: unknown });
  if (unique.includes(NEVER_GIVEN)) throw invalid('identity.client.scope_not_allowed', `no client may hold ${NEVER_GIVEN}`, { scopes: [NEVER_GIVEN] });
  const notHeld = unique.filter((scope) => !rules.mayGive(scope));
  if (notHeld.length > 0) throw new ForbiddenError('identity.client.scope_not_held', `you cannot give what you do not hold: ${notHeld.join(' ')}`, { scopes: notHeld });
  return unique;
}

function checkRedirectUri(uri: string): void {
  const url = uri.length <= MAX_URI_LENGTH ? URL.parse(uri) : null;
  const allowed = url !== null && url.hash === '' && !uri.includes('#') && url.username === '' && url.password === ''
    && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)));
  if (!allowed) throw invalid('identity.client.invalid_redirect_uri', 'redirect URIs: https, or http on a loopback address; no fragment, no credentials', { redirectUri: uri.slice(0, 200) });
}

function invalid(code: string, message: string, details: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(code, message, details);
}
