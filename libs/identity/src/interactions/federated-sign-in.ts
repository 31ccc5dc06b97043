/** Where every provider sends the browser back to: register `<public url>/interaction/callback/oidc` at each. */
export const FEDERATED_CALLBACK_PATH = '/interaction/callback/oidc';

/** Sign-in through the company's OpenID Connect provider (openid-client), when configured. */
export interface FederatedSignIn {
  /** One button per provider on the sign-in page; the form posts the id. */
  buttons(): ReadonlyArray<{ id: string; label: string }>;
  /**
   * Sends the browser upstream for this interaction: where to, and the cookie binding the return to
   * this browser. `maxAgeSeconds` asks the provider for a sign-in at most that old (OIDC max_age),
   * checked against the ID token's auth_time: sensitive scopes must not ride on an old session there.
   */
  start(interactionUid: string, providerId: string, options?: { maxAgeSeconds?: number }): Promise<FederatedStart | undefined>;
  /** The browser's return from the provider (the fixed callback): who it signed in, for which interaction, or why not. */
  complete(response: URLSearchParams, cookieOf: (name: string) => string | undefined): Promise<FederatedResult>;
}

export interface FederatedStart {
  location: string;
  binding: { name: string; value: string; maxAgeSeconds: number };
}

/**
 * Why a return from upstream signs nobody in. `unknown_state`: forged, replayed, expired or from
 * another browser; `upstream_*`: the provider refused, its answer failed a check, or it could not
 * be reached; the rest: a person the provider verified whom Ledgerline will not sign in.
 */
export type FederatedRefusal =
  | 'unknown_state'
  | 'upstream_denied'
  | 'upstream_invalid'
  | 'upstream_unavailable'
  | 'no_user_id'
  | 'email_unverified'
  | 'no_tenant'
  | 'invalid_tenant'
  | 'unknown_tenant'
  | 'suspended'
  | 'local_account';

export type FederatedResult =
  | { ok: true; interactionUid: string; providerLabel: string; tenantId: string; userId: string }
  | {
      ok: false;
      reason: FederatedRefusal;
      interactionUid?: string;
      providerLabel?: string;
      userId?: string;
      /** Set only for a tenant the registry knows: the refusal joins that tenant's trail (else the platform's). */
      tenantId?: string;
    };
