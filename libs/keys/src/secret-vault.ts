import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { IllegalStateError, InFlight } from '#core';
import { assertTenantId } from '#event-store';
import { AES_256_KEY_BYTES, gcmOpen, gcmSeal, type GcmBox } from './aes-gcm.js';
import type { DataKeyStore, StoredDataKey } from './data-key-store.port.js';
import { SECRETS_RING } from './key-rings.js';
import type { MasterKey } from './master-key.js';
import { parseSealedSecret, type SealedSecret } from './sealed-secret.js';
import {
  DataKeyDestroyedError,
  DataKeyExistsError,
  DataKeyUnknownError,
  InvalidSecretError,
  MasterKeyMismatchError,
  SecretUnreadableError,
} from './secrets.errors.js';

/** Secrets are credentials, not documents; the bound keeps sealed secrets far below the event size limit. */
export const MAX_SECRET_BYTES = 64 * 1024;
const CONTEXT = /^[\x21-\x7e]{1,256}$/;
/** Losing a creation race means the winner's key exists: the re-read finds it. Only a destroy in between needs another turn. */
const CREATE_ATTEMPTS = 3;
/**
 * How long an unwrapped key stays cached. A destroy in another process reaches this one as an
 * event (see forget), but a process that misses it must not keep shredded keys usable for long.
 */
export const KEY_CACHE_TTL_MS = 60_000;
/**
 * How long a seal trusts the active key id it last read for a tenant's ring, instead of asking the
 * store on every seal (that read was a tenth of a memory_put's CPU). A destroy in this process
 * forgets it at once; one in another process reaches a seal here within this bound (the grants'
 * revocation bound too), after which the store is asked again and a new key is created.
 */
export const ACTIVE_KEY_TTL_MS = 1_000;

export interface SecretVaultOptions {
  clock?: () => Date;
}

interface DataKey {
  keyId: string;
  key: Buffer;
}

interface TenantKeyCache {
  keys: Map<string, Buffer>;
  /** The active key id of each ring, as last read from the store, and until when a seal may use it without asking again. */
  active: Map<string, { keyId: string; until: number }>;
  expiresAt: number;
}

/** The keyed-digest key derived from each data key: derived once per unwrapped key, dropped with it. */
const macKeys = new WeakMap<Buffer, Buffer>();

/**
 * Envelope encryption of tenant secrets. Each tenant has a data key (AES-256), created on its
 * first seal and stored wrapped by the master key; secrets are sealed with AES-256-GCM under
 * the AAD `ledgerline/secret/<tenant>/<context>`, so a sealed secret copied to another tenant or
 * context does not open. Errors never carry plaintext or key material.
 */
export class SecretVault {
  /** Unwrapped data keys per tenant. forget() replaces a tenant's map, so work in flight cannot refill it. */
  private readonly dataKeys = new Map<string, TenantKeyCache>();
  private readonly resolvingActive = new InFlight<DataKey>();
  private readonly clock: () => Date;

  constructor(private readonly masterKey: MasterKey, private readonly store: DataKeyStore, options: SecretVaultOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Seals with the tenant's active data key (created now if the tenant has none). */
  async seal(tenantId: string, plaintext: string, context: string): Promise<SealedSecret> {
    assertTenantId(tenantId);
    assertContext(context);
    return this.sealBytes(tenantId, SECRETS_RING, plaintextBytes(plaintext), secretAad(tenantId, context));
  }

  /** Seals bytes with the active key of one of the tenant's rings (created now if the ring has none). */
  async sealBytes(tenantId: string, ring: string, bytes: Buffer, aad: string): Promise<SealedSecret> {
    return sealWith(await this.activeDataKey(tenantId, ring), bytes, aad);
  }

  /**
   * sealBytes, and a keyed digest of the same bytes under the same key (one lookup of the active
   * key): HMAC-SHA256 under a key derived from the data key, prefixed by its key id. Equal values
   * give equal digests while the key lives; nothing can be learnt or checked from a digest once
   * the key is destroyed.
   */
  async sealWithDigest(tenantId: string, ring: string, bytes: Buffer, aad: string): Promise<{ sealed: SealedSecret; digest: string }> {
    assertTenantId(tenantId);
    const dataKey = await this.activeDataKey(tenantId, ring);
    return { sealed: sealWith(dataKey, bytes, aad), digest: `${dataKey.keyId}:${createHmac('sha256', macKeyOf(dataKey.key)).update(bytes).digest('base64url')}` };
  }

  /**
   * Opens a box sealed by sealBytes: undefined when GCM authentication fails (tampered, or another
   * AAD). A destroyed key throws DataKeyDestroyedError: the caller decides what erased data shows.
   */
  async openBytes(tenantId: string, keyId: string, box: GcmBox, aad: string): Promise<Buffer | undefined> {
    assertTenantId(tenantId);
    return gcmOpen(await this.dataKey(tenantId, keyId), box, aad);
  }

  async open(tenantId: string, sealed: SealedSecret, context: string): Promise<string> {
    assertTenantId(tenantId);
    assertContext(context);
    const parsed = parseSealedSecret(sealed);
    if (!parsed) throw new SecretUnreadableError(tenantId, 'not a well-formed sealed secret of version 1');
    const key = await this.dataKey(tenantId, parsed.keyId);
    const plaintext = gcmOpen(key, parsed.box, secretAad(tenantId, context));
    if (!plaintext) throw new SecretUnreadableError(tenantId, 'authentication failed: tampered, or sealed for another tenant or context');
    return plaintext.toString('utf8');
  }

  /**
   * Drops the tenant's unwrapped keys and active key ids from this process's cache (after
   * store.destroy). Other processes keep theirs until they forget too or their cache expires: their
   * seals ask the store for the active key again within ACTIVE_KEY_TTL_MS.
   */
  forget(tenantId: string): void {
    this.dataKeys.delete(tenantId);
  }

  /** Crypto-shredding: destroys one ring's keys of the tenant, or all its keys, and forgets them here. */
  async destroy(tenantId: string, ring?: string): Promise<number> {
    assertTenantId(tenantId);
    const destroyed = await this.store.destroy(tenantId, ring === undefined ? undefined : { ring });
    this.forget(tenantId);
    return destroyed;
  }

  /** One resolution per tenant and ring at a time: concurrent first seals in this process share it and create one key. */
  private activeDataKey(tenantId: string, ring: string): Promise<DataKey> | DataKey {
    const tenantCache = this.tenantCacheOf(tenantId);
    const active = tenantCache.active.get(ring);
    const key = active && active.until > Date.now() ? tenantCache.keys.get(active.keyId) : undefined;
    if (key) return { keyId: active!.keyId, key };
    return this.resolvingActive.run(`${tenantId}\u0000${ring}`, () => this.resolveActiveDataKey(tenantId, ring));
  }

  private async resolveActiveDataKey(tenantId: string, ring: string): Promise<DataKey> {
    const tenantCache = this.tenantCacheOf(tenantId);
    const cache = tenantCache.keys;
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const stored = await this.store.active(tenantId, ring);
      const found = stored ? { keyId: stored.keyId, key: cache.get(stored.keyId) ?? this.unwrap(cache, stored) } : await this.createDataKey(tenantId, ring, cache);
      if (found) {
        tenantCache.active.set(ring, { keyId: found.keyId, until: Date.now() + ACTIVE_KEY_TTL_MS });
        return found;
      }
    }
    throw new IllegalStateError('secrets.key_unavailable', `no active data key for tenant ${tenantId} after ${CREATE_ATTEMPTS} attempts`, { tenantId });
  }

  /**
   * Key ids are deterministic: the first id after the ring's destroyed keys (k1, then k2 once k1
   * is destroyed, …). Processes racing to create a tenant's key therefore insert the same id, the
   * primary key admits one, and the losers (undefined here) re-read the winner's; their random
   * keys were never used. A live key met while looking for the id is a winner already: skipping
   * past it would make a second active key.
   */
  private async createDataKey(tenantId: string, ring: string, cache: Map<string, Buffer>): Promise<DataKey | undefined> {
    let sequence = 1;
    for (let existing = await this.store.get(tenantId, `${ring}k1`); existing; existing = await this.store.get(tenantId, `${ring}k${++sequence}`)) {
      if (existing.destroyedAt === null) return undefined;
    }
    const keyId = `${ring}k${sequence}`;
    const key = randomBytes(AES_256_KEY_BYTES);
    try {
      await this.store.insert({
        tenantId,
        keyId,
        wrappedKey: this.masterKey.wrap(key, dataKeyAad(tenantId, keyId)),
        masterKeyId: this.masterKey.keyId,
        createdAt: this.clock().toISOString(),
        destroyedAt: null,
      });
    } catch (error) {
      if (error instanceof DataKeyExistsError) return undefined;
      throw error;
    }
    cache.set(keyId, key);
    return { keyId, key };
  }

  private async dataKey(tenantId: string, keyId: string): Promise<Buffer> {
    const cache = this.cacheOf(tenantId);
    const cached = cache.get(keyId);
    if (cached) return cached;
    const stored = await this.store.get(tenantId, keyId);
    if (!stored) throw new DataKeyUnknownError(tenantId, keyId);
    return this.unwrap(cache, stored);
  }

  private unwrap(cache: Map<string, Buffer>, stored: StoredDataKey): Buffer {
    const { tenantId, keyId } = stored;
    if (stored.destroyedAt !== null) throw new DataKeyDestroyedError(tenantId, keyId);
    if (stored.masterKeyId !== this.masterKey.keyId) throw new MasterKeyMismatchError(tenantId, keyId, stored.masterKeyId, this.masterKey.keyId);
    const key = this.masterKey.unwrap(stored.wrappedKey, dataKeyAad(tenantId, keyId));
    if (!key) throw new SecretUnreadableError(tenantId, `data key ${keyId} does not unwrap: it was damaged in the store`);
    cache.set(keyId, key);
    return key;
  }

  private cacheOf(tenantId: string): Map<string, Buffer> {
    return this.tenantCacheOf(tenantId).keys;
  }

  private tenantCacheOf(tenantId: string): TenantKeyCache {
    const now = Date.now();
    let cache = this.dataKeys.get(tenantId);
    if (!cache || cache.expiresAt <= now) {
      cache = { keys: new Map(), active: new Map(), expiresAt: now + KEY_CACHE_TTL_MS };
      this.dataKeys.set(tenantId, cache);
    }
    return cache;
  }
}

/** HKDF-SHA256 of the data key for the keyed digest, computed once per key object. */
function macKeyOf(dataKey: Buffer): Buffer {
  let macKey = macKeys.get(dataKey);
  if (!macKey) {
    macKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'ledgerline/keyed-digest', 32));
    macKeys.set(dataKey, macKey);
  }
  return macKey;
}

function sealWith({ keyId, key }: DataKey, bytes: Buffer, aad: string): SealedSecret {
  const { iv, ciphertext, tag } = gcmSeal(key, bytes, aad);
  return { v: 1, keyId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: tag.toString('base64') };
}

export function dataKeyAad(tenantId: string, keyId: string): string {
  return `ledgerline/data-key/${tenantId}/${keyId}`;
}

export function secretAad(tenantId: string, context: string): string {
  return `ledgerline/secret/${tenantId}/${context}`;
}

function assertContext(context: unknown): asserts context is string {
  if (typeof context !== 'string' || !CONTEXT.test(context)) {
    throw new InvalidSecretError('secrets.invalid_context', 'the secret context must be 1-256 printable ASCII characters without spaces');
  }
}

function plaintextBytes(plaintext: unknown): Buffer {
  if (typeof plaintext !== 'string' || !plaintext.isWellFormed()) {
    throw new InvalidSecretError('secrets.invalid_plaintext', 'a secret must be a string of well-formed Unicode');
  }
  const bytes = Buffer.from(plaintext, 'utf8');
  if (bytes.length > MAX_SECRET_BYTES) {
    throw new InvalidSecretError('secrets.too_large', `a secret must be at most ${MAX_SECRET_BYTES} bytes of UTF-8, this one is ${bytes.length}`, { bytes: bytes.length, limit: MAX_SECRET_BYTES });
  }
  return bytes;
}
