/** A signed-in person's console session, held on the server (backend-for-frontend). */
export interface ConsoleSession {
  /** SHA-256 of the cookie's value: what the store is keyed by (the cookie value is never stored). */
  key: string;
  tenantId: string;
  userId: string;
  /** What the grant holds: pages and buttons follow it, the API enforces it anyway. */
  scopes: readonly string[];
  grantId: string | undefined;
  /** Sent back with every state change (a hidden field or a header). */
  csrf: string;
  accessToken: string;
  /** Epoch ms. */
  accessExpiresAt: number;
  refreshToken: string | undefined;
  /** Epoch ms: the grant's end; the session ends with it. */
  expiresAt: number;
}

/** What a token response gives a new session. */
export interface SessionTokens {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string | undefined;
  scopes: readonly string[];
}

export function hasScope(session: Pick<ConsoleSession, 'scopes'>, scope: string): boolean {
  return session.scopes.includes(scope);
}
