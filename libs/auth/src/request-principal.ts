import type { Principal } from './principal.js';

/** Passport puts the verified caller on `request.user`. */
export interface RequestWithPrincipal {
  user?: unknown;
}

export function principalOf(request: RequestWithPrincipal): Principal | undefined {
  return isPrincipal(request.user) ? request.user : undefined;
}

export function isPrincipal(value: unknown): value is Principal {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.tenantId === 'string' &&
    typeof candidate.userId === 'string' &&
    typeof candidate.clientId === 'string' &&
    Array.isArray(candidate.scopes) &&
    candidate.scopes.every((scope) => typeof scope === 'string')
  );
}
