import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createFileOnce } from '#core';
import { AuthConfigError } from './auth.errors.js';

const SECRET_BYTES = 32;

interface DevIssuerKeyFile {
  version: 1;
  algorithm: 'HS256';
  /** The issuer the key was created for; a record for operators, tokens carry the configured one. */
  issuer: string;
  secret: string;
  createdAt: string;
}

/**
 * Creates the key file unless it exists; true when this call created it. The file is written
 * whole under a temporary name and linked into place, so a concurrent reader or creator never
 * sees half a key, and two racing creators end with one key.
 */
export function createKeyFileIfMissing(path: string, issuer: string, now: Date): boolean {
  const content: DevIssuerKeyFile = { version: 1, algorithm: 'HS256', issuer, secret: randomBytes(SECRET_BYTES).toString('base64url'), createdAt: now.toISOString() };
  return createFileOnce(path, `${JSON.stringify(content, null, 2)}\n`);
}

export function readKeyFileSecret(path: string): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw corrupt(path, error);
  }
  const file = parsed as Partial<DevIssuerKeyFile> | null;
  const secret = typeof file?.secret === 'string' ? Buffer.from(file.secret, 'base64url') : undefined;
  if (file?.version !== 1 || file.algorithm !== 'HS256' || secret?.length !== SECRET_BYTES) throw corrupt(path);
  return secret;
}

function corrupt(path: string, cause?: unknown): AuthConfigError {
  const reason = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
  return new AuthConfigError(
    'auth.config.dev_key',
    `the dev issuer key file ${path} is unreadable or malformed${reason}; delete it to create a new key (tokens signed with the old one stop verifying)`,
    { path },
  );
}
