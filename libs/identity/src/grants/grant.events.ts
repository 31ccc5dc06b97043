/**
 * The delegation trail, in the tenant's streams: `grant-<grantId>` for a grant's life,
 * `client-<id>` (tenant-bound clients, or the platform tenant's stream for clients anyone may
 * use), `sign-in-<user>` for sign-ins. No token, code, secret or password is ever in them.
 */
export type GrantEvent =
  | { type: 'ClientRegistered'; data: { clientId: string; clientName: string | null; method: 'dynamic' | 'metadata-document' | 'admin'; redirectUris: string[]; grantTypes: string[]; scopes?: string[] } }
  | { type: 'ClientDisabled'; data: { clientId: string; reason: string; blocked?: ClientBlock; grantsRevoked?: number } }
  | { type: 'GrantIssued'; data: { grantId: string; userId: string; clientId: string; scopes: string[]; accessTokenSeconds: number; grantSeconds: number; resource: string } }
  | { type: 'GrantRefreshed'; data: { grantId: string; clientId: string } }
  | { type: 'GrantRevoked'; data: { grantId: string; clientId: string | null; userId: string | null; revokedBy: string; reason: GrantRevocationReason } }
  | { type: 'RefreshTokenReused'; data: { grantId: string; clientId: string } }
  | { type: 'SignInSucceeded'; data: { userId: string; method: 'local' | 'oidc'; clientId: string | null } }
  | { type: 'SignInFailed'; data: { userId: string; method: 'local' | 'oidc'; reason: 'unknown_account' | 'wrong_password' | 'disabled' | 'locked' | 'throttled' | 'upstream_refused'; clientId: string | null } };

/** everywhere: a client of the tenant's own, found by nobody; this_tenant: a client anyone may use, refused in this tenant only. */
export type ClientBlock = 'everywhere' | 'this_tenant';

export type GrantRevocationReason = 'revoked_by_user' | 'revoked_by_admin' | 'revoked_by_client' | 'refresh_token_reused' | 'client_disabled' | 'expired';

export const grantStreamId = (grantId: string): string => `grant-${grantId}`;
export const clientStreamId = (clientId: string): string => `client-${clientId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 180)}`;
export const signInStreamId = (userId: string): string => `sign-in-${userId.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 180)}`;
