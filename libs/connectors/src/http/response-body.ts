import type { JsonValue } from '#core';
import { isJsonContentType } from './http-syntax.js';

/** Thrown by readBodyBytes in 'fail' mode; turned into a ConnectorCallError by the caller. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`response body larger than ${maxBytes} bytes`);
  }
}

/**
 * Reads at most `maxBytes` of a response body. Beyond that the stream is cancelled (so a huge or
 * endless body costs no more memory and frees the connection) and the read fails or truncates.
 */
export async function readBodyBytes(response: Response, maxBytes: number, overflow: 'fail' | 'truncate'): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (overflow === 'fail' && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (overflow === 'fail') throw new ResponseTooLargeError(maxBytes);
      chunks.push(value.subarray(0, maxBytes - total));
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  return Buffer.concat(chunks);
}

/** JSON when the content type says so and it parses; otherwise the text, cut to `maxTextBytes`. */
export function decodeBody(bytes: Uint8Array, contentType: string | null, maxTextBytes: number): JsonValue {
  if (isJsonContentType(contentType)) {
    const text = Buffer.from(bytes).toString('utf8');
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // A server that labels non-JSON as JSON still said something worth keeping: fall through to text.
    }
  }
  return utf8Prefix(bytes, maxTextBytes);
}

/** Decodes at most `maxBytes`, cutting before a split multi-byte character rather than through it. */
export function utf8Prefix(bytes: Uint8Array, maxBytes: number): string {
  let end = Math.min(bytes.length, maxBytes);
  if (end < bytes.length) {
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  }
  return Buffer.from(bytes.subarray(0, end)).toString('utf8');
}
