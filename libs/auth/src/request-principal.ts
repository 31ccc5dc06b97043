import type { Principal } from './principal.js';

/** BearerAuthGuard puts the verified caller on `request.user`, where Express code looks for it. */
interface RequestWithPrincipal {
  user?: unknown;
}

export function principalOf(request: object): Principal | undefined {
  const { user } = request as RequestWithPrincipal;
  return isPrincipal(user) ? user : undefined;
}

export function attachPrincipal(request: object, principal: Principal): void {
  (request as RequestWithPrincipal).user = principal;
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
