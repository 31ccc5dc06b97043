/**
 * The `scope` a self-registered client (RFC 7591 or a Client ID Metadata Document) is recorded
 * with: the resource's scopes it names are taken out, the rest left for the library to check.
 *
 * Why: MCP clients register with the scopes they found in the protected-resource metadata (the
 * Python and TypeScript SDKs both do), and our metadata advertises them in `scopes_supported`,
 * but oidc-provider checks a registered `scope` against its OpenID scopes only, so it refused
 * such a registration as invalid_client_metadata. A public client's own list is no ceiling worth
 * keeping (it names it itself); what a token carries is decided on the consent page. RFC 7591
 * §3.2.1 lets the server replace requested metadata; unknown scope values are still refused.
 */
export function selfRegisteredScope(scope: string, isResourceScope: (scope: string) => boolean): string | undefined {
  const kept = scope.split(' ').filter((item) => item !== '' && !isResourceScope(item));
  return kept.length > 0 ? kept.join(' ') : undefined;
}
