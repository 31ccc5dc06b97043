import { SetMetadata } from '@nestjs/common';
import { isScopeToken } from './scope.js';

export const REQUIRED_SCOPES = 'ledgerline:required-scopes';

/** The scopes a handler (or every handler of a controller) needs; ScopesGuard enforces them. */
export function RequireScopes(...scopes: string[]): MethodDecorator & ClassDecorator {
  const bad = scopes.find((scope) => !isScopeToken(scope));
  if (bad !== undefined) throw new TypeError(`RequireScopes: ${JSON.stringify(bad)} is not a valid scope`);
  return SetMetadata(REQUIRED_SCOPES, scopes);
}
