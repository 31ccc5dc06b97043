import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createFileOnce } from '#core';
import { MasterKeyInvalidError } from './secrets.errors.js';

export const MASTER_KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Base64 (standard or URL-safe, padding optional, surrounding whitespace ignored) of exactly 32 bytes. */
export function decodeMasterKeyText(text: string, source: 'base64' | 'file', path?: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) throw new MasterKeyInvalidError(source, `it must be ${MASTER_KEY_BYTES} bytes${source === 'file' ? ', raw or' : ''} in base64`, path);
  return exactLength(Buffer.from(trimmed, 'base64'), source, path);
}

/** A key file holds the 32 raw bytes, or their base64 text. */
export function readMasterKeyFile(path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new MasterKeyInvalidError('file', `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  return content.length === MASTER_KEY_BYTES ? content : decodeMasterKeyText(content.toString('utf8'), 'file', path);
}

/**
 * Creates the key file with 32 random bytes unless it exists; true when this call created it. The
 * key is written whole under a temporary name (mode 0600, 'wx') and linked into place, which
 * unlike rename never replaces a file: of two racing creators one key wins, and a key that
 * already sealed data is never overwritten.
 */
export function createMasterKeyFileIfMissing(path: string): boolean {
  if (existsSync(path)) return false;
  return createFileOnce(path, randomBytes(MASTER_KEY_BYTES));
}

function exactLength(bytes: Buffer, source: 'base64' | 'file', path?: string): Buffer {
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new MasterKeyInvalidError(source, `it must be exactly ${MASTER_KEY_BYTES} bytes, it holds ${bytes.length}`, path);
  }
  return bytes;
}

