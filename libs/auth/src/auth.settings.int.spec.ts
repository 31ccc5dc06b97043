import { afterAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthConfigError } from './auth.errors.js';
import { resolveAuthSettings } from './auth.settings.js';
import { ecKeyPair, rsaKeyPair } from './testing/token-forge.js';

const dir = mkdtempSync(join(tmpdir(), 'ledgerline-auth-settings-'));
const external = { publicUrl: 'http://127.0.0.1:3000', dataDir: join(dir, 'data'), issuer: 'https://id.example.com' };

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('resolveAuthSettings', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the dev issuer key (creating it on the first start) when no issuer is configured', () => {
    const first = resolveAuthSettings({ publicUrl: 'http://127.0.0.1:3000', dataDir: join(dir, 'dev') });
    const second = resolveAuthSettings({ publicUrl: 'http://127.0.0.1:3000', dataDir: join(dir, 'dev') });
    expect(first.key).toMatchObject({ kind: 'dev', keyFile: join(dir, 'dev', 'keys', 'dev-issuer.json'), created: true });
    expect(second.key).toMatchObject({ kind: 'dev', created: false });
    expect(first.key.kind === 'dev' && second.key.kind === 'dev' && first.key.secret.equals(second.key.secret)).toBe(true);
    expect(first).toMatchObject({ resourceUrl: 'http://127.0.0.1:3000/mcp', issuer: 'http://127.0.0.1:3000', algorithms: ['HS256'] });
  });

  it('reads an RSA or EC public key from a PEM file', () => {
    const rsa = rsaKeyPair();
    const settings = resolveAuthSettings({ ...external, publicKeyFile: file('rsa.pem', rsa.publicPem) });
    expect(settings.key).toEqual({ kind: 'public-key', pem: rsa.publicPem });
    expect(settings.authorizationServers).toEqual(['https://id.example.com']);
    const ec = ecKeyPair();
    expect(resolveAuthSettings({ ...external, publicKeyFile: file('ec.pem', ec.publicPem) }).key.kind).toBe('public-key');
  });

  it('refuses a missing file, a private key, garbage, and a key no allowed algorithm can use', () => {
    const refusals = [
      { ...external, publicKeyFile: join(dir, 'missing.pem') },
      { ...external, publicKeyFile: file('private.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) },
      { ...external, publicKeyFile: file('garbage.pem', 'hello') },
      { ...external, publicKeyFile: file('ec-for-rsa.pem', ecKeyPair().publicPem), algorithms: 'RS256' },
    ];
    const messages = refusals.map((input) => {
      try {
        resolveAuthSettings(input);
      } catch (error) {
        expect(error).toBeInstanceOf(AuthConfigError);
        expect((error as AuthConfigError).code).toBe('auth.config.public_key');
        return (error as Error).message;
      }
      throw new Error('accepted');
    });
    expect(messages[0]).toContain('cannot be read (ENOENT)');
    expect(messages[1]).toContain('private key');
    expect(messages[2]).toContain('not a PEM public key');
    expect(messages[3]).toContain('none of RS256');
  });
});
