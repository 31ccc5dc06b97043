import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256, base64url: how a bearer value (a state, a cookie, a code) is keyed at rest instead of itself. */
export function sha256Url(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Two secret strings compared in constant time (for equal lengths). */
export function sameSecretText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
