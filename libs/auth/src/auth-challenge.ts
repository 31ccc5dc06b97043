import { InsufficientScopeError, UnauthenticatedError } from './auth.errors.js';

export interface AuthChallenge {
  status: 401 | 403;
  /** The `WWW-Authenticate` header value (RFC 6750 §3, with RFC 9728 `resource_metadata`). */
  wwwAuthenticate: string;
  body: { error: 'unauthorized' | 'invalid_token' | 'insufficient_scope'; error_description: string };
}

/** The HTTP answer to an authentication or scope failure, for guards and any other edge. */
export function authChallenge(error: UnauthenticatedError | InsufficientScopeError, resourceMetadataUrl: string): AuthChallenge {
  const metadata = `resource_metadata=${quoted(resourceMetadataUrl)}`;
  if (error instanceof InsufficientScopeError) {
    return {
      status: 403,
      wwwAuthenticate: `Bearer error="insufficient_scope", scope=${quoted(error.requiredScopes.join(' '))}, ${metadata}`,
      body: { error: 'insufficient_scope', error_description: error.message },
    };
  }
  // Without credentials RFC 6750 §3.1 wants no error code: the client just has to authenticate.
  return error.tokenPresented
    ? { status: 401, wwwAuthenticate: `Bearer error="invalid_token", ${metadata}`, body: { error: 'invalid_token', error_description: error.message } }
    : { status: 401, wwwAuthenticate: `Bearer ${metadata}`, body: { error: 'unauthorized', error_description: error.message } };
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
