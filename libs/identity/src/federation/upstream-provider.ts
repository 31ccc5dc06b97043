/**
 * Which tenant an upstream sign-in lands in. A provider given one `tenant` signs people into that
 * tenant only; otherwise the `tenantClaim` names the tenant (the provider is trusted for every
 * tenant it names) and, when the token carries no such claim, the domain of a verified email picks
 * it from `tenantDomains`.
 */
export type TenantMapping =
  | { kind: 'fixed'; tenant: string }
  | { kind: 'claims'; tenantClaim: string | undefined; tenantDomains: ReadonlyMap<string, string> };

/** A company's OpenID Connect provider the sign-in page offers, as configured by the operator. */
export interface UpstreamProvider {
  /** Stable id (the form's button value and the pending sign-in's record); `default` for the environment's provider. */
  id: string;
  issuer: string;
  clientId: string;
  /** Sent to the provider's token endpoint only; never logged, journaled or shown. */
  clientSecret: string;
  /** The button's text, e.g. "Sign in with Acme SSO". */
  label: string;
  /** Space-separated, `openid` first. */
  scopes: string;
  /** The ID token claim whose value is the Ledgerline user id (`sub`, `email`, `preferred_username`, ...). */
  userClaim: string;
  tenantMapping: TenantMapping;
}
