import { decodeBase64, GCM_IV_BYTES, GCM_TAG_BYTES, type GcmBox } from './aes-gcm.js';

/**
 * A secret as it is stored inside events: plain JSON, base64 fields. `keyId` names the tenant's
 * data key that sealed it, so a tenant may hold several keys over time.
 */
export type SealedSecret = { v: 1; keyId: string; iv: string; ciphertext: string; tag: string };

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The parts of a well-formed sealed secret, or undefined. */
export function parseSealedSecret(value: unknown): { keyId: string; box: GcmBox } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const sealed = value as Partial<Record<keyof SealedSecret, unknown>>;
  if (sealed.v !== 1 || typeof sealed.keyId !== 'string' || !KEY_ID.test(sealed.keyId)) return undefined;
  const iv = decodeBase64(sealed.iv);
  const ciphertext = decodeBase64(sealed.ciphertext);
  const tag = decodeBase64(sealed.tag);
  if (iv?.length !== GCM_IV_BYTES || tag?.length !== GCM_TAG_BYTES || !ciphertext) return undefined;
  return { keyId: sealed.keyId, box: { iv, ciphertext, tag } };
}
