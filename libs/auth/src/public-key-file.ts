import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { VerificationAlgorithm } from './algorithms.js';
import { AuthConfigError } from './auth.errors.js';

/**
 * Reads the external issuer's public key (SPKI PEM or X.509 certificate) and returns it as SPKI
 * PEM. A private key is refused (it has no business on a resource server), and so is a key that
 * none of the allowed algorithms can use.
 */
export function readPublicKeyFile(file: string, algorithms: readonly VerificationAlgorithm[]): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw keyError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  if (isPrivateKey(text)) throw keyError('holds a private key; give the issuer\'s public key', file);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw keyError('is not a PEM public key or certificate', file);
  }
  if (!algorithms.some((algorithm) => fits(algorithm, key))) {
    throw keyError(`holds an ${key.asymmetricKeyType ?? 'unknown'} key, which none of ${algorithms.join(', ')} (LEDGERLINE_AUTH_ALGORITHMS) verifies`, file);
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

function isPrivateKey(text: string): boolean {
  try {
    createPrivateKey(text);
    return true;
  } catch {
    return false;
  }
}

function fits(algorithm: VerificationAlgorithm, key: KeyObject): boolean {
  if (algorithm.startsWith('ES')) return key.asymmetricKeyType === 'ec';
  if (algorithm.startsWith('RS')) return key.asymmetricKeyType === 'rsa';
  if (algorithm.startsWith('PS')) return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss';
  return false;
}

function keyError(problem: string, file: string): AuthConfigError {
  return new AuthConfigError('auth.config.public_key', `LEDGERLINE_AUTH_PUBLIC_KEY_FILE ${file} ${problem}`, { file });
}
