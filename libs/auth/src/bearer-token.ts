/** `Bearer <token>`, the scheme case-insensitive (RFC 6750 §2.1, RFC 9110 §11.1). */
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** The bearer token of an `Authorization` header value, or null when there is none. */
export function bearerTokenOf(authorizationHeader: string | undefined): string | null {
  return BEARER.exec(authorizationHeader ?? '')?.[1] ?? null;
}
