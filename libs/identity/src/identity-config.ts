import { ValidationError } from '#core';
import { DEFAULT_SENSITIVE_SCOPES, scopePolicy, type ScopeLifetime } from './provider/scope-policy.js';
import type { IdentitySettings } from './provider/identity.settings.js';
import { federatedProvidersOf, type FederationConfigInput } from './federation/federation-config.js';

export interface IdentityConfigInput {
  issuer: string;
  resourceUrl: string;
  scopesSupported: readonly string[];
  operators: readonly string[];
  sensitiveScopes: readonly string[] | undefined;
  /** `scope=<access>/<grant>,…` */
  scopeLifetimes: string;
  sensitiveMaxAgeSeconds: number;
  metadataDocumentNetworks: readonly string[];
  keyRotationDays: number;
  /** Upstream OpenID Connect providers people may sign in through (none when nothing is set). */
  federation?: FederationConfigInput;
}

export function identitySettingsOf(input: IdentityConfigInput): IdentitySettings {
  const lifetimes = new Map<string, ScopeLifetime>();
  for (const entry of input.scopeLifetimes.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^(.+)=(\d+)\/(\d+)$/.exec(entry);
    const accessTokenSeconds = Number(match?.[2]);
    const grantSeconds = Number(match?.[3]);
    if (!match || accessTokenSeconds < 1 || grantSeconds < accessTokenSeconds) {
      throw new ValidationError('config.scope_lifetimes', `LEDGERLINE_SCOPE_LIFETIMES: ${entry}: the access lifetime must be at least 1 s and at most the grant lifetime`);
    }
    lifetimes.set(match[1]!, { accessTokenSeconds, grantSeconds });
  }
  const issuerUrl = new URL(input.issuer);
  return {
    issuer: input.issuer,
    resourceUrl: input.resourceUrl,
    scopesSupported: input.scopesSupported,
    operators: new Set(input.operators),
    scopePolicy: scopePolicy({ sensitive: input.sensitiveScopes ?? DEFAULT_SENSITIVE_SCOPES, lifetimes }),
    sensitiveMaxAgeSeconds: input.sensitiveMaxAgeSeconds,
    metadataDocumentNetworks: input.metadataDocumentNetworks,
    secureCookies: issuerUrl.protocol === 'https:',
    keyRotationSeconds: input.keyRotationDays * 86_400,
    upstreamProviders: input.federation ? federatedProvidersOf(input.federation) : [],
  };
}
