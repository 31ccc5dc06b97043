import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileOnce } from '#core';
import { isEd25519, publicHalf, publicJwkOf, type ExportJwks, type ExportPublicJwk } from './ed25519-jwk.js';
import { SigningKeyError } from './signing.errors.js';

export const EXPORT_SIGNING_KEY_FILE = join('keys', 'export-signing.pem');

/** Where the key comes from: PEM text, a file, or the data directory's key (created on first use). */
export interface ExportSigningKeySource {
  pem?: string | undefined;
  file?: string | undefined;
  dataDir: string;
}

export const EXPORT_SIGNING_KEY = Symbol('EXPORT_SIGNING_KEY');

/** Signs export manifests. Every process of one installation must load the same key. */
export interface ExportSigner {
  readonly keyId: string;
  /** Base64url Ed25519 signature. */
  sign(message: string): string;
}

export class ExportSigningKey implements ExportSigner {
  readonly publicJwk: ExportPublicJwk;
  readonly publicKey: KeyObject;

  private constructor(
    private readonly privateKey: KeyObject,
    /** The file the key came from or was created in; undefined for a key given as text. */
    readonly file: string | undefined,
    /** True when this call created the key file. */
    readonly isNew: boolean,
  ) {
    this.publicKey = publicHalf(privateKey);
    this.publicJwk = publicJwkOf(this.publicKey);
  }

  /** Loads the configured key; the data directory's default key is created (0600) when missing and `create` allows it. */
  static load(source: ExportSigningKeySource, options: { create: boolean } = { create: true }): ExportSigningKey {
    if (source.pem !== undefined) return new ExportSigningKey(parsePrivateKey(source.pem.replaceAll('\\n', '\n'), 'LEDGERLINE_EXPORT_SIGNING_KEY'), undefined, false);
    const file = source.file ?? join(source.dataDir, EXPORT_SIGNING_KEY_FILE);
    let isNew = false;
    if (source.file === undefined && options.create && !existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      isNew = createFileOnce(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new SigningKeyError(`the export signing key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { file }, error);
    }
    return new ExportSigningKey(parsePrivateKey(text, file), file, isNew);
  }

  get keyId(): string {
    return this.publicJwk.kid;
  }

  sign(message: string): string {
    return sign(null, Buffer.from(message), this.privateKey).toString('base64url');
  }

  /** What GET /.well-known/ledgerline-export-keys serves. */
  jwks(): ExportJwks {
    return { keys: [this.publicJwk] };
  }
}

function parsePrivateKey(text: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw new SigningKeyError(`the export signing key (${source}) is not a PKCS#8 PEM private key`, { source }, error);
  }
  if (!isEd25519(key)) throw new SigningKeyError(`the export signing key (${source}) is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`, { source });
  return key;
}
