import type { JsonObject, JsonValue } from '#core';
import { isCanonicalBase64 } from '../aes-gcm.js';
import { subjectRing, TENANT_PERSONAL_RING } from '../key-rings.js';
import { parseSealedSecret, type SealedSecret } from '../sealed-secret.js';
import type { SecretVault } from '../secret-vault.js';
import { DataKeyDestroyedError, SecretUnreadableError } from '../secrets.errors.js';

/** Personal data as it is stored in events and views: sealed, and recognisable inside any JSON. */
export type SealedPersonalData = { $sealed: SealedSecret };

/** What erased personal data reads as, everywhere (tool results, exports): its key was destroyed. */
export const ERASED = Object.freeze({ $erased: true as const, reason: 'personal data erased: its key was destroyed' });
export type Erased = typeof ERASED;

export interface SealedValue {
  sealed: SealedPersonalData;
  /** Keyed digest of the plaintext (SecretVault.sealWithDigest): lets a decider spot an unchanged value without reading it. */
  digest: string;
}

/**
 * Encryption of personal data (docs/architecture.md, "Event model"): values are sealed with a data key of
 * the data subject (a user of the tenant) or of the tenant itself BEFORE they are appended, so the
 * hash chain covers ciphertext. Destroying the subject's (or the tenant's) keys shreds the data in
 * the store, the views and every later export at once, and the chain still verifies.
 */
export class PersonalDataVault {
  constructor(private readonly vault: SecretVault) {}

  /**
   * Seals `value` for `subject` (a user id), or for the tenant when no single user owns it, with its
   * keyed digest. `context` binds it to where it lives (the stream id).
   */
  async seal(tenantId: string, subject: string | undefined, value: JsonValue, context: string): Promise<SealedValue> {
    const { sealed, digest } = await this.vault.sealWithDigest(tenantId, ringOf(subject), bytesOf(value), personalAad(tenantId, context));
    return { sealed: { $sealed: sealed }, digest };
  }

  /** seal() without the digest, for values nothing compares. */
  async sealValue(tenantId: string, subject: string | undefined, value: JsonValue, context: string): Promise<SealedPersonalData> {
    return { $sealed: await this.vault.sealBytes(tenantId, ringOf(subject), bytesOf(value), personalAad(tenantId, context)) };
  }

  /** The plaintext of a sealed value, ERASED once its key is destroyed; a value that was never sealed is returned as it is. */
  open(tenantId: string, value: JsonValue, context: string): Promise<JsonValue> {
    return isSealedPersonalData(value) ? this.openSealed(tenantId, value, context) : Promise.resolve(value);
  }

  /**
   * `data` with every sealed value inside opened (or ERASED), or undefined when nothing in it was
   * sealed. One walk builds the copy and starts every opening; one await waits for them all (an
   * export opens every event of a tenant through here).
   */
  async openAll(tenantId: string, data: JsonValue, context: string): Promise<JsonValue | undefined> {
    if (isSealedPersonalData(data)) return this.openSealed(tenantId, data, context);
    const openings: Array<Promise<void>> = [];
    const copy = this.copyOpening(tenantId, data, context, openings);
    if (openings.length === 0) return undefined;
    await Promise.all(openings);
    return copy;
  }

  /** Shreds one data subject's personal data: destroys the keys of the subject's ring. */
  eraseSubject(tenantId: string, subject: string): Promise<number> {
    return this.vault.destroy(tenantId, subjectRing(subject));
  }

  /** Shreds everything of the tenant the key store holds keys for: personal data of every subject and of the tenant, and its connector secrets. */
  eraseTenant(tenantId: string): Promise<number> {
    return this.vault.destroy(tenantId);
  }

  /** Drops the tenant's unwrapped keys from this process (another process destroyed some). */
  forget(tenantId: string): void {
    this.vault.forget(tenantId);
  }

  private async openSealed(tenantId: string, value: SealedPersonalData, context: string): Promise<JsonValue> {
    const parsed = parseSealedSecret(value.$sealed);
    if (!parsed) throw new SecretUnreadableError(tenantId, 'not a well-formed sealed value');
    try {
      const bytes = await this.vault.openBytes(tenantId, parsed.keyId, parsed.box, personalAad(tenantId, context));
      if (!bytes) throw new SecretUnreadableError(tenantId, 'authentication failed: tampered, or sealed for another tenant or place');
      return JSON.parse(bytes.toString('utf8')) as JsonValue;
    } catch (error) {
      if (error instanceof DataKeyDestroyedError) return ERASED;
      throw error;
    }
  }

  /** A copy of a container, each sealed value in it set in place once its opening (pushed to `openings`) settles; other values as they are. */
  private copyOpening(tenantId: string, value: JsonValue, context: string, openings: Array<Promise<void>>): JsonValue {
    if (typeof value !== 'object' || value === null) return value;
    const copy: JsonObject | JsonValue[] = Array.isArray(value) ? new Array<JsonValue>(value.length) : {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const slot = copy as Record<string, JsonValue>;
      if (isSealedPersonalData(item)) {
        slot[key] = null; // the key keeps its place in the copy's order
        openings.push(this.openSealed(tenantId, item, context).then((opened) => void (slot[key] = opened)));
      } else {
        slot[key] = this.copyOpening(tenantId, item, context, openings);
      }
    }
    return copy;
  }
}

function ringOf(subject: string | undefined): string {
  return subject === undefined ? TENANT_PERSONAL_RING : subjectRing(subject);
}

function bytesOf(value: JsonValue): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function personalAad(tenantId: string, context: string): string {
  return `ledgerline/personal/${tenantId}/${context}`;
}

export function isSealedPersonalData(value: unknown): value is SealedPersonalData {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let keys = 0;
  for (const key in value) if (key !== '$sealed' || ++keys > 1) return false;
  const sealed = (value as { $sealed?: unknown }).$sealed;
  return keys === 1 && typeof sealed === 'object' && sealed !== null && isCanonicalBase64((sealed as { iv?: unknown }).iv);
}
