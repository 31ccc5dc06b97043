import { randomBytes } from 'node:crypto';
import { parseAuthConfig, type AuthConfigInput } from '../auth-config.js';
import type { AuthKey, AuthSettings } from '../auth.settings.js';

/**
 * Settings for the dev issuer, its secret in memory only, or for an external issuer's JWKS: for
 * tests that touch no files. Test support only.
 */
export function inMemorySettings(input: Partial<AuthConfigInput> = {}): { settings: AuthSettings; secret: Buffer } {
  const { publicUrl: _publicUrl, keySource, ...config } = parseAuthConfig({ publicUrl: 'http://127.0.0.1:3000', dataDir: '/unused', ...input });
  const secret = randomBytes(32);
  if (keySource.kind === 'public-key') throw new Error('a public key file is not in memory: use resolveAuthSettings');
  const key: AuthKey = keySource.kind === 'dev' ? { kind: 'dev', secret, keyFile: '(in memory)', created: false } : keySource;
  return { settings: { ...config, key }, secret };
}
