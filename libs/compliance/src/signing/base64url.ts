import { ValidationError } from '#core';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Text that is not the one canonical unpadded base64url form of some bytes (RFC 4648 §5, §3.5). */
export class InvalidBase64urlError extends ValidationError {
  constructor(what: string, reason: string) {
    super('compliance.invalid_base64url', `${what} is not canonical unpadded base64url: ${reason}`, { what });
  }
}

/**
 * Decodes base64url strictly. Node's Buffer.from(text, 'base64url') skips foreign characters and
 * ignores the unused trailing bits, so several texts decode to one signature or key: a verifier
 * that accepted them would accept a file changed after signing. Only the text the bytes encode to
 * is accepted (no padding, no white space, trailing bits zero), and `bytes` fixes the length.
 */
export function decodeBase64url(text: string, what: string, bytes?: number): Buffer {
  if (!ALPHABET.test(text)) throw new InvalidBase64urlError(what, 'a character outside A-Z a-z 0-9 - _ (padding included)');
  if (text.length % 4 === 1) throw new InvalidBase64urlError(what, `${text.length} characters cannot encode whole bytes`);
  const decoded = Buffer.from(text, 'base64url');
  if (decoded.toString('base64url') !== text) throw new InvalidBase64urlError(what, 'its unused trailing bits are not zero');
  if (bytes !== undefined && decoded.length !== bytes) throw new InvalidBase64urlError(what, `it holds ${decoded.length} bytes, not ${bytes}`);
  return decoded;
}
