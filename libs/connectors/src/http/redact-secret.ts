import type { JsonValue } from '#core';

const REDACTED = '[redacted]';

/** The spellings a secret can take on the wire: raw and URL-encoded. */
function spellingsOf(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])];
}

/** Longest spelling of the secret, so callers can read enough text to redact across a cut. */
export function secretSpan(secret: string | undefined): number {
  return secret ? Math.max(...spellingsOf(secret).map((spelling) => spelling.length)) : 0;
}

/** Removes every spelling of a secret from text. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let result = text;
  for (const spelling of spellingsOf(secret)) result = result.split(spelling).join(REDACTED);
  return result;
}

/** A JSON value with every spelling of the secret removed from its strings and keys. */
export function redactSecretInJson(value: JsonValue, secret: string | undefined): JsonValue {
  if (!secret) return value;
  if (typeof value === 'string') return redactSecret(value, secret);
  if (Array.isArray(value)) return value.map((item) => redactSecretInJson(item, secret));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactSecret(key, secret), redactSecretInJson(item, secret)]));
}

/**
 * The first `maxChars` of text (as far as the text goes), with the secret redacted. A secret
 * straddling the cut is kept whole so it is redacted rather than leaked in part; `text` should
 * therefore run at least `secretSpan(secret)` characters past `maxChars` when it was itself cut.
 */
export function redactedPrefix(text: string, secret: string | undefined, maxChars: number): string {
  let cut = Math.min(text.length, maxChars);
  if (secret) {
    for (const spelling of spellingsOf(secret)) {
      const at = text.indexOf(spelling, Math.max(0, cut - spelling.length + 1));
      if (at !== -1 && at < cut) cut = Math.max(cut, at + spelling.length);
    }
  }
  return redactSecret(text.slice(0, cut), secret);
}

/** An Error from any realm: `instanceof Error` fails for errors made by Node internals under a test VM. */
export interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

export function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';
}

/**
 * A copy of a low-level error (and its causes) fit to travel as a domain error's `cause`: logs
 * print causes, and fetch errors may quote header values or URLs.
 */
export function redactedCause(error: unknown, secret: string | undefined, depth = 0): Error {
  if (!isErrorLike(error)) return new Error(redactSecret(String(error), secret));
  const inner = depth < 3 && error.cause !== undefined ? redactedCause(error.cause, secret, depth + 1) : undefined;
  const copy = new Error(redactSecret(String(error.message), secret), inner ? { cause: inner } : undefined);
  if (typeof error.name === 'string') copy.name = error.name;
  if (typeof error.code === 'string') Object.assign(copy, { code: error.code });
  return copy;
}
