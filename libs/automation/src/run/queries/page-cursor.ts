import { ValidationError } from '#core';

/** A list's sort key of the last row on a page: what the next page starts after. */
export type PageKey = ReadonlyArray<string | number>;

const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;
/** An instant as the log records it (ISO-8601 UTC with milliseconds), or any offset form. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The opaque cursor of the page after the one ending at `key`. */
export function encodePageCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The key a cursor of encodePageCursor holds, as `read` takes it apart (undefined: not a key of
 * this list). @throws ValidationError (`code`) for anything else.
 */
export function decodePageCursor<Key>(cursor: string, code: string, read: (key: readonly unknown[]) => Key | undefined): Key {
  let decoded: unknown;
  try {
    decoded = TOKEN.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  const key = Array.isArray(decoded) ? read(decoded) : undefined;
  if (key === undefined) throw new ValidationError(code, 'cursor: pass the nextCursor of the previous page unchanged');
  return key;
}
