import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AES_256_KEY_BYTES, decodeBase64, gcmOpen, gcmSeal, GCM_IV_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { createMasterKeyFileIfMissing, decodeMasterKeyText, MASTER_KEY_BYTES, readMasterKeyFile } from './master-key-file.js';
import { MasterKeyInvalidError } from './secrets.errors.js';

/** The embedded default's key file, relative to the data directory. */
export const MASTER_KEY_FILE = join('keys', 'master.key');

export type MasterKeyOrigin =
  | { kind: 'bytes' }
  | { kind: 'base64' }
  | { kind: 'file'; path: string }
  /** `created` is true on the first start: the operator should back the file up, losing it loses every secret. */
  | { kind: 'default'; path: string; created: boolean };

export interface MasterKeyOptions {
  masterKeyBase64?: string;
  masterKeyFile?: string;
  dataDir: string;
}

/**
 * The key-encryption key: wraps the tenants' data keys (AES-256-GCM) and nothing else. Its bytes
 * live in a private field and never leave it: JSON, `String()` and `util.inspect` print only the
 * key id.
 */
export class MasterKey {
  readonly #key: Buffer;
  /** First 16 hex digits of SHA-256(key). Not secret; stored beside every wrapped data key, so a wrong master key is named, not guessed from a GCM failure. */
  readonly keyId: string;

  private constructor(key: Uint8Array, readonly origin: MasterKeyOrigin) {
    this.#key = Buffer.alloc(MASTER_KEY_BYTES);
    this.#key.set(key);
    this.keyId = createHash('sha256').update(this.#key).digest('hex').slice(0, 16);
  }

  static fromBytes(key: Uint8Array, origin: MasterKeyOrigin = { kind: 'bytes' }): MasterKey {
    if (key.length !== MASTER_KEY_BYTES) throw new MasterKeyInvalidError('bytes', `it must be exactly ${MASTER_KEY_BYTES} bytes, it holds ${key.length}`);
    return new MasterKey(key, origin);
  }

  /** base64(iv ‖ ciphertext ‖ tag) of a data key, bound to `aad`. */
  wrap(dataKey: Buffer, aad: string): string {
    const { iv, ciphertext, tag } = gcmSeal(this.#key, dataKey, aad);
    return Buffer.concat([iv, ciphertext, tag]).toString('base64');
  }

  /** The data key, or undefined when the wrapped form is damaged or was bound to another `aad`. */
  unwrap(wrapped: string, aad: string): Buffer | undefined {
    const bytes = decodeBase64(wrapped);
    if (bytes?.length !== GCM_IV_BYTES + AES_256_KEY_BYTES + GCM_TAG_BYTES) return undefined;
    return gcmOpen(this.#key, {
      iv: bytes.subarray(0, GCM_IV_BYTES),
      ciphertext: bytes.subarray(GCM_IV_BYTES, GCM_IV_BYTES + AES_256_KEY_BYTES),
      tag: bytes.subarray(GCM_IV_BYTES + AES_256_KEY_BYTES),
    }, aad);
  }

  toString(): string {
    return `[MasterKey ${this.keyId}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * The master key, by precedence: the configured base64 value, the configured key file (32 raw
 * bytes or base64 text), else the embedded default `<dataDir>/keys/master.key`, created on first
 * use. A configured value that is not exactly 32 bytes is refused, never replaced.
 */
export function loadMasterKey(options: MasterKeyOptions): MasterKey {
  if (options.masterKeyBase64 !== undefined) {
    return MasterKey.fromBytes(decodeMasterKeyText(options.masterKeyBase64, 'base64'), { kind: 'base64' });
  }
  if (options.masterKeyFile !== undefined) {
    return MasterKey.fromBytes(readMasterKeyFile(options.masterKeyFile), { kind: 'file', path: options.masterKeyFile });
  }
  const path = join(options.dataDir, MASTER_KEY_FILE);
  const created = createMasterKeyFileIfMissing(path);
  return MasterKey.fromBytes(readMasterKeyFile(path), { kind: 'default', path, created });
}
