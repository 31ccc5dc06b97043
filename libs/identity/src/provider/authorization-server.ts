import { isAutomationScope } from '#automation';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC, type ClientMetadata } from 'oidc-provider';
import { scopeBoundOf } from '../clients/client-view.js';
import { isTenantId } from '#auth';
import { parseAccountId } from './account-id.js';
import type { IdentitySettings } from './identity.settings.js';
import type { KeyMaterial } from './signing-keys.js';
import { SIGNING_ALGORITHM } from './signing-keys.js';
import { metadataDocumentFetch } from './metadata-document-fetch.js';
import { selfRegisteredScope } from './self-registered-scope.js';
import { renderProtocolError } from '../interactions/pages/error.page.js';

export const AS_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  jwks: '/jwks',
  end_session: '/session/end',
  introspection: '/introspect',
  userinfo: '/userinfo',
} as const;

export const INTERACTION_PATH = '/interaction';
/** The OpenID scopes the library itself handles; every other scope is the MCP resource's. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'offline_access']);
const AUTHORIZATION_CODE_SECONDS = 60;
const INTERACTION_SECONDS = 15 * 60;
const SESSION_SECONDS = 8 * 3600;

export interface ProviderHooks {
  adapter: NonNullable<Configuration['adapter']>;
  /** The newest live grant of this account to this client, if any (a remembered consent). */
  rememberedGrantId(accountId: string, clientId: string): Promise<string | undefined>;
  /** Undefined refuses the account (unknown or disabled): codes and refresh tokens stop working for it. */
  accountIsActive(tenantId: string, userId: string): Promise<boolean>;
  /** Clients that are part of the platform (the console), static in the configuration. */
  firstPartyClients: readonly ClientMetadata[];
}

/**
 * The protocol machinery: panva's oidc-provider, configured, not forked. Authorization code with
 * PKCE S256 only, refresh rotation (a rotated token presented again revokes its grant), client
 * credentials for tenant service principals, RFC 7009 revocation, RFC 7591 registration, Client ID
 * Metadata Documents, RFC 8707 resource indicators with the MCP endpoint as the one resource, and
 * RFC 9068 JWT access tokens signed ES256 carrying tenant, user, client, scopes and the grant id.
 */
export function createProvider(settings: IdentitySettings, keys: KeyMaterial, hooks: ProviderHooks): Provider {
  const { scopePolicy } = settings;
  const resourceScopes = new Set(settings.scopesSupported);
  const firstParty = new Set(hooks.firstPartyClients.map((client) => client.client_id));
  const cookie = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: settings.secureCookies, path: '/' };
  const configuration: Configuration = {
    adapter: hooks.adapter,
    jwks: { keys: keys.privateJwks as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: keys.cookieKeys, long: cookie, short: cookie },
    routes: AS_ROUTES,
    responseTypes: ['code'],
    scopes: [...OIDC_SCOPES],
    // amr tells a relying party how the person signed in: ['pwd'] with a password, ['fed'] through the company's provider.
    claims: { openid: ['sub', 'amr'] },
    pkce: { required: () => true },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', id_token_signed_response_alg: SIGNING_ALGORITHM },
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALGORITHM], clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'] },
    // Rotated for every public client (a rotated token presented again revokes its grant). Not for
    // the platform's own confidential clients (the console): they authenticate at /token, and their
    // concurrent requests, on any instance, may refresh at once without tripping the reuse check.
    rotateRefreshToken: (ctx) => !firstParty.has(ctx.oidc.client?.clientId ?? ''),
    clients: hooks.firstPartyClients.map((client) => ({ ...client })),
    // A consent is remembered per person and client until revoked, not only for the browser
    // session: the newest live grant is taken up again (the consent page still asks for what it
    // lacks; sensitive scopes are asked for every time by the policy below).
    async loadExistingGrant(ctx) {
      const clientId = ctx.oidc.client!.clientId;
      const accountId = ctx.oidc.session?.accountId;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(clientId) ?? (accountId ? await hooks.rememberedGrantId(accountId, clientId) : undefined);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: () => true,
    conformIdTokenClaims: true,
    async findAccount(_ctx, sub) {
      const account = parseAccountId(sub);
      if (!account || !(await hooks.accountIsActive(account.tenantId, account.userId))) return undefined;
      return { accountId: sub, claims: async () => ({ sub }) };
    },
    extraClientMetadata: {
      // tenant_id: the tenant a tenant admin registered it for; resource_scope: what it may hold at
      // most for the MCP resource (the library's `scope` may only list its OpenID scopes).
      properties: ['tenant_id', 'resource_scope'],
      validator(ctx, key, value, metadata) {
        // Self-registered clients (RFC 7591 with a request context, or a metadata document whose
        // client_id is a URL) belong to no tenant and never act as one: only a tenant admin's
        // registration binds a client to a tenant or lets it use client credentials.
        const selfRegistered = ctx !== undefined || /^https?:/i.test(String(metadata.client_id));
        if (key === 'resource_scope') {
          if (value !== undefined && (selfRegistered || typeof value !== 'string')) throw new errors.InvalidClientMetadata('resource_scope is set by a tenant admin only');
          return;
        }
        if (key !== 'tenant_id') return;
        if (selfRegistered && value !== undefined) throw new errors.InvalidClientMetadata('tenant_id cannot be self-registered');
        if (selfRegistered && (metadata.grant_types ?? []).includes('client_credentials')) {
          throw new errors.InvalidClientMetadata('client_credentials is only for service principals a tenant admin registers');
        }
        if (value !== undefined && !isTenantId(value)) throw new errors.InvalidClientMetadata('tenant_id is not a tenant id');
        // Runs before the library's own checks, which would refuse the resource's scopes here.
        if (selfRegistered && typeof metadata.scope === 'string') metadata.scope = selfRegisteredScope(metadata.scope, (scope) => resourceScopes.has(scope) || isAutomationScope(scope));
      },
    },
    features: {
      devInteractions: { enabled: false },
      // Not served: PAR and DPoP would need the resource server to check sender binding.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      registration: { enabled: true, initialAccessToken: false },
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        allowFetch: async (_ctx, clientId) => clientId.length <= 2048,
        cacheDuration: { min: 60, max: 3600 },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => settings.resourceUrl,
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, resourceIndicator, client) {
          if (resourceIndicator !== settings.resourceUrl) throw new errors.InvalidTarget(`this server issues tokens for ${settings.resourceUrl} only`);
          const scopes = allowedScopes(ctx, settings, client.metadata());
          return {
            scope: scopes.join(' '),
            audience: settings.resourceUrl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALGORITHM } },
          };
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
      policy: interactionPolicyFor(settings),
    },
    ttl: {
      AuthorizationCode: AUTHORIZATION_CODE_SECONDS,
      Interaction: INTERACTION_SECONDS,
      Session: SESSION_SECONDS,
      AccessToken: (_ctx, token) => scopePolicy.lifetimeOfAll(scopesOf(token.scope)).accessTokenSeconds,
      ClientCredentials: (_ctx, token) => scopePolicy.lifetimeOfAll(scopesOf(token.scope)).accessTokenSeconds,
      // Called outside a provider request too (our consent page saves the grant): no ctx then.
      Grant: (_ctx, grant) => scopePolicy.lifetimeOfAll(scopesOf(grant.getResourceScope(settings.resourceUrl))).grantSeconds,
      RefreshToken: (ctx, token) => {
        // A rotated token keeps the absolute lifetime of the one it replaces.
        const rotated = ctx?.oidc.entities.RotatedRefreshToken;
        if (rotated) return rotated.remainingTTL;
        return scopePolicy.lifetimeOfAll(scopesOf(token.scope)).grantSeconds;
      },
    },
    formats: {
      customizers: {
        jwt(_ctx, token, jwt) {
          const accountId = 'accountId' in token ? token.accountId : undefined;
          const account = accountId ? parseAccountId(accountId) : undefined;
          if (account) {
            jwt.payload.sub = account.userId;
            jwt.payload.tenant_id = account.tenantId;
          } else {
            // Client credentials: the service principal acts for the tenant a tenant admin bound it to.
            jwt.payload.sub = token.clientId;
            jwt.payload.tenant_id = token.client?.metadata().tenant_id;
          }
          if ('grantId' in token && token.grantId) jwt.payload.grant_id = token.grantId;
        },
      },
    },
    fetch: metadataDocumentFetch(settings.metadataDocumentNetworks) as NonNullable<Configuration['fetch']>,
    renderError: (ctx, out) => renderProtocolError(ctx, out),
  };
  const provider = new Provider(settings.issuer, configuration);
  // Behind https the platform sits behind a TLS-terminating proxy: trust its X-Forwarded-Proto, or secure cookies are refused.
  provider.proxy = settings.secureCookies;
  return provider;
}

function scopesOf(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((item) => item !== '' && !OIDC_SCOPES.has(item));
}

function scopeSet(settings: IdentitySettings, ctx: KoaContextWithOIDC): Set<string> {
  return new Set([...settings.scopesSupported, ...requestedAutomationScopes(ctx)]);
}

function requestedAutomationScopes(ctx: KoaContextWithOIDC): string[] {
  const scope = ctx.oidc.params?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(isAutomationScope) : [];
}

/**
 * The scopes a client may hold for the MCP resource. Service principals (client credentials) hold
 * at most what their registration lists, and never platform:admin; so does any client a tenant
 * admin registered with scopes. People's grants are narrowed further on the consent page
 * (platform:admin only for configured operators).
 */
function allowedScopes(ctx: KoaContextWithOIDC, settings: IdentitySettings, metadata: ClientMetadata): string[] {
  const all = [...scopeSet(settings, ctx)];
  const automationGrants = (ctx.oidc.entities.Grant?.getResourceScopeEncountered(settings.resourceUrl) ?? '').split(' ').filter(isAutomationScope);
  const known = [...new Set([...all, ...automationGrants])];
  const bound = scopeBoundOf(metadata);
  if (ctx.oidc.params?.grant_type === 'client_credentials') return known.filter((scope) => scope !== 'platform:admin' && bound?.has(scope));
  return bound ? known.filter((scope) => bound.has(scope)) : known;
}

/**
 * oidc-provider's base policy, plus: sensitive scopes need a sign-in younger than the configured
 * maximum age, and are consented to every time (never remembered).
 */
function interactionPolicyFor(settings: IdentitySettings): interactionPolicy.Prompt[] {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const sensitiveRequested = (ctx: KoaContextWithOIDC): boolean => {
    const scope = ctx.oidc.params?.scope;
    return typeof scope === 'string' && scope.split(' ').some((item) => settings.scopePolicy.isSensitive(item));
  };
  policy.get('login')!.checks.add(new Check('sensitive_scopes_need_fresh_sign_in', 'a recent sign-in is required for sensitive scopes', (ctx) => {
    if (!sensitiveRequested(ctx)) return Check.NO_NEED_TO_PROMPT;
    const authTime = ctx.oidc.session?.authTime();
    return authTime !== undefined && Date.now() / 1000 - authTime <= settings.sensitiveMaxAgeSeconds ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));
  policy.get('consent')!.checks.add(new Check('sensitive_scopes_never_remembered', 'sensitive scopes are consented to every time', (ctx) => {
    if (!sensitiveRequested(ctx)) return Check.NO_NEED_TO_PROMPT;
    return ctx.oidc.result?.consent ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));
  return policy;
}
