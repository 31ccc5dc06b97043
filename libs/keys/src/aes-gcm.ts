import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const AES_256_KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export interface GcmBox {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** AES-256-GCM with a fresh random 96-bit IV; the AAD binds the box to where it may be opened. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): GcmBox {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** The plaintext, or undefined when authentication fails (wrong key, wrong AAD, any flipped bit). */
export function gcmOpen(key: Buffer, box: GcmBox, aad: string): Buffer | undefined {
  if (box.iv.length !== GCM_IV_BYTES || box.tag.length !== GCM_TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(box.tag);
  try {
    // update() hands out unauthenticated bytes: nothing leaves this function before final() passes.
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * The canonical base64 of some bytes, as Buffer#toString('base64') writes it: whole quanta, then
 * at most one padded quantum whose unused low bits are zero (the last character before "==" is a
 * multiple of 16 in the alphabet, before "=" a multiple of 4). Anything Node would decode
 * leniently (whitespace, missing padding, set trailing bits, base64url) is not.
 */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** Whether `text` is canonical base64, without decoding it. */
export function isCanonicalBase64(text: unknown): text is string {
  return typeof text === 'string' && CANONICAL_BASE64.test(text);
}

/** Strict base64: undefined unless the text is the canonical encoding of some bytes. */
export function decodeBase64(text: unknown): Buffer | undefined {
  return isCanonicalBase64(text) ? Buffer.from(text, 'base64') : undefined;
}
