import type { ScopePolicy } from './scope-policy.js';
import type { UpstreamProvider } from '../federation/upstream-provider.js';

/** What the authorization server is configured with (see identity-config.ts for the environment). */
export interface IdentitySettings {
  /** The issuer: the platform's public origin, where /.well-known/oauth-authorization-server is served. */
  issuer: string;
  /** The one resource tokens are for: the MCP endpoint (RFC 8707); REST shares the audience. */
  resourceUrl: string;
  /** Scopes the platform's tools and endpoints know; `automation:<name>` scopes are added per request. */
  scopesSupported: readonly string[];
  /** Identities (`<tenant>:<user>`) that may be granted platform:admin. Nobody else ever can. */
  operators: ReadonlySet<string>;
  scopePolicy: ScopePolicy;
  /** A sign-in older than this is asked again before sensitive scopes are granted. */
  sensitiveMaxAgeSeconds: number;
  /** CIDRs a Client ID Metadata Document may be fetched from although not public (development only). */
  metadataDocumentNetworks: readonly string[];
  /** Cookies marked Secure: true unless the public URL is plain http on loopback. */
  secureCookies: boolean;
  /** How often a new signing key is made (at the next start after this age). */
  keyRotationSeconds: number;
  /** The company identity providers the sign-in page offers beside local accounts (their secrets included). */
  upstreamProviders: readonly UpstreamProvider[];
}
