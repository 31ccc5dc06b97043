/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** Splits a space-separated scope string (the OAuth `scope` form) into distinct tokens, in order. */
export function splitScopes(value: string): string[] {
  return [...new Set(value.split(' ').filter((scope) => scope !== ''))];
}
