/** How long an assertion is good for: one call, sent at once; a retry gets a new one. */
export const ASSERTION_LIFETIME_SECONDS = 60;

/**
 * Who a connector call acts for and where in a run it is made: the user who started the run,
 * through which client, under which grant and scopes (as the starting call's metadata recorded
 * them), never anyone the saga itself is.
 */
export interface OnBehalfOfContext {
  tenantId: string;
  userId: string;
  clientId: string;
  grantId?: string;
  scopes: readonly string[];
  runId: string;
  stepId: string;
}

/** The JWT claims of an on-behalf-of assertion (snake_case as on the wire; times in seconds). */
export interface OnBehalfOfClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  tenant_id: string;
  client_id: string;
  grant_id?: string;
  /** The starting call's scopes, space-separated (RFC 8693 `scope`). */
  scope: string;
  run_id: string;
  step_id: string;
}

export interface OnBehalfOfClaimsInput {
  issuer: string;
  audience: string;
  context: OnBehalfOfContext;
  /** Epoch milliseconds; the clock is the caller's, so claims are a pure function of the input. */
  now: number;
  /** Unique per attempt: a downstream may refuse a jti it has seen. */
  jti: string;
}

export function buildOnBehalfOfClaims({ issuer, audience, context, now, jti }: OnBehalfOfClaimsInput): OnBehalfOfClaims {
  const iat = Math.floor(now / 1000);
  return {
    iss: issuer,
    sub: context.userId,
    aud: audience,
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
    jti,
    tenant_id: context.tenantId,
    client_id: context.clientId,
    ...(context.grantId !== undefined && { grant_id: context.grantId }),
    scope: [...new Set(context.scopes)].join(' '),
    run_id: context.runId,
    step_id: context.stepId,
  };
}
