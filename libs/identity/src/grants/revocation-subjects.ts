/**
 * What a row of the revocation feed names. Tenant ids hold no ':', so a tenant-and-client subject
 * reads back unambiguously even for a client id that is a URL.
 */
export const revocationSubject = {
  /** A grant: its tokens refused everywhere. */
  grant: (grantId: string): string => `grant:${grantId}`,
  /** A client a tenant admin disabled everywhere (one registered for that tenant): found by nobody, every token of it refused. */
  client: (clientId: string): string => `client:${clientId}`,
  /** A client anyone may use, disabled by one tenant for itself: its tokens in that tenant refused, its consent refused there. */
  clientInTenant: (tenantId: string, clientId: string): string => `tenant-client:${tenantId}:${clientId}`,
};
