/**
 * oidc-provider knows one account id; Ledgerline's users are per tenant. The id is
 * `<tenant>:<user>`: tenant ids never hold ':', so the first colon splits it.
 */
export function accountIdOf(tenantId: string, userId: string): string {
  return `${tenantId}:${userId}`;
}

export function parseAccountId(accountId: string): { tenantId: string; userId: string } | undefined {
  const colon = accountId.indexOf(':');
  if (colon <= 0 || colon === accountId.length - 1) return undefined;
  return { tenantId: accountId.slice(0, colon), userId: accountId.slice(colon + 1) };
}
