import { ForbiddenError, ValidationError } from '#core';

/**
 * The caller is not authenticated: no bearer token, or one that did not verify. #core has no
 * "unauthenticated" kind, so this is a ForbiddenError told apart by its code, which the edge maps
 * to HTTP 401 (`authChallenge` does it). Messages are fixed texts: they never echo the token.
 */
export class UnauthenticatedError extends ForbiddenError {
  static readonly code = 'auth.invalid_token';

  constructor(description: string, readonly tokenPresented: boolean) {
    super(UnauthenticatedError.code, description, { tokenPresented });
  }
}

/** The token verified but lacks a scope the call needs: HTTP 403 with `insufficient_scope`. */
export class InsufficientScopeError extends ForbiddenError {
  static readonly code = 'auth.insufficient_scope';

  constructor(readonly requiredScopes: readonly string[]) {
    super(InsufficientScopeError.code, `this call needs the scope${requiredScopes.length === 1 ? '' : 's'} ${requiredScopes.join(' ')}`, {
      requiredScopes: [...requiredScopes],
    });
  }
}

/** Authentication settings that cannot work together; the message names the variable. */
export class AuthConfigError extends ValidationError {}
