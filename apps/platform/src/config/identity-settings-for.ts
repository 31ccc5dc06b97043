import type { AuthSettings } from '#auth';
import { identitySettingsOf, type IdentitySettings } from '#identity';
import type { PlatformConfig } from './platform.config.js';

/**
 * The authorization server's settings: its issuer is the resource server's (the platform's public
 * origin). Kept apart from platform.config.ts, which the CLI loads, because it loads the identity lib.
 */
export function identitySettingsFor(config: PlatformConfig, auth: AuthSettings, scopesSupported: readonly string[]): IdentitySettings {
  return identitySettingsOf({
    issuer: auth.issuer,
    resourceUrl: auth.resourceUrl,
    scopesSupported,
    operators: config.LEDGERLINE_OPERATORS,
    sensitiveScopes: config.LEDGERLINE_SENSITIVE_SCOPES,
    scopeLifetimes: config.LEDGERLINE_SCOPE_LIFETIMES,
    sensitiveMaxAgeSeconds: config.LEDGERLINE_SENSITIVE_MAX_AGE_SECONDS,
    metadataDocumentNetworks: config.LEDGERLINE_CIMD_PRIVATE_NETWORKS,
    keyRotationDays: config.LEDGERLINE_SIGNING_KEY_ROTATION_DAYS,
    federation: {
      single: {
        issuer: config.LEDGERLINE_OIDC_ISSUER,
        clientId: config.LEDGERLINE_OIDC_CLIENT_ID,
        clientSecret: config.LEDGERLINE_OIDC_CLIENT_SECRET,
        clientSecretFile: config.LEDGERLINE_OIDC_CLIENT_SECRET_FILE,
        label: config.LEDGERLINE_OIDC_LABEL,
        scopes: config.LEDGERLINE_OIDC_SCOPES,
        userClaim: config.LEDGERLINE_OIDC_USER_CLAIM,
        tenant: config.LEDGERLINE_OIDC_TENANT,
        tenantClaim: config.LEDGERLINE_OIDC_TENANT_CLAIM,
        tenantDomains: config.LEDGERLINE_OIDC_TENANT_DOMAINS,
      },
      providersFile: config.LEDGERLINE_OIDC_PROVIDERS_FILE,
    },
  });
}
