import { afterAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidBase64urlError } from './base64url.js';
import { jwkThumbprint } from './ed25519-jwk.js';
import { EXPORT_SIGNING_KEY_FILE, ExportSigningKey } from './export-signing-key.js';
import { SigningKeyError } from './signing.errors.js';
import { TrustedKeys } from './trusted-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'ledgerline-signing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pkcs8 = (type: 'ed25519' | 'ec') =>
  (type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' })).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('export signing key', () => {
  it('computes the RFC 7638 thumbprint of an Ed25519 key (RFC 8037 appendix A.3)', () => {
    expect(jwkThumbprint('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo')).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('creates the data directory key once (0600) and reuses it', () => {
    const dataDir = join(dir, 'data');
    const first = ExportSigningKey.load({ dataDir });
    expect(first).toMatchObject({ isNew: true, file: join(dataDir, EXPORT_SIGNING_KEY_FILE) });
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const again = ExportSigningKey.load({ dataDir });
    expect(again.isNew).toBe(false);
    expect(again.keyId).toBe(first.keyId);
    expect(again.jwks()).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: first.keyId, alg: 'EdDSA', use: 'sig' }] });
  });

  it('takes the PEM as text (also with escaped newlines, as an environment variable holds it) or a file, before the data directory', () => {
    const pem = pkcs8('ed25519');
    const fromText = ExportSigningKey.load({ pem: pem.replaceAll('\n', '\\n'), dataDir: join(dir, 'unused') });
    const file = join(dir, 'shared.pem');
    writeFileSync(file, pem);
    const fromFile = ExportSigningKey.load({ file, dataDir: join(dir, 'unused') });
    expect(fromFile.keyId).toBe(fromText.keyId);
    expect(fromText.file).toBeUndefined();
    expect(() => statSync(join(dir, 'unused'))).toThrow();
  });

  it('refuses a missing file, a non-key and a key that is not Ed25519, and does not create a key when told not to', () => {
    expect(() => ExportSigningKey.load({ file: join(dir, 'missing.pem'), dataDir: dir })).toThrow(SigningKeyError);
    expect(() => ExportSigningKey.load({ pem: 'hello', dataDir: dir })).toThrow(/not a PKCS#8 PEM private key/);
    expect(() => ExportSigningKey.load({ pem: pkcs8('ec'), dataDir: dir })).toThrow(/is ec, not Ed25519/);
    expect(() => ExportSigningKey.load({ dataDir: join(dir, 'none') }, { create: false })).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('signs what a trusted key verifies, from its JWKS or its PEM, and nothing else', () => {
    const key = ExportSigningKey.load({ pem: pkcs8('ed25519'), dataDir: dir });
    const signature = key.sign('manifest');
    const fromJwks = TrustedKeys.parse(JSON.stringify(key.jwks()), 'jwks.json');
    const fromPem = TrustedKeys.parse(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'public.pem');
    for (const trusted of [fromJwks, fromPem]) {
      expect(trusted.ids).toEqual([key.keyId]);
      expect(trusted.verify(key.keyId, 'manifest', signature)).toBe(true);
      expect(trusted.verify(key.keyId, 'manifest!', signature)).toBe(false);
      expect(() => trusted.verify(key.keyId, 'manifest', 'AAAA')).toThrow(/holds 3 bytes, not 64/);
      expect(trusted.verify('another-kid', 'manifest', signature)).toBe(false);
    }
    // A JWKS that names another kid does not make the key trusted under that name.
    const lying = TrustedKeys.parse(JSON.stringify({ keys: [{ ...key.publicJwk, kid: 'someone-else' }] }), 'lying.json');
    expect(lying.ids).toEqual([key.keyId]);
    // Its x with the unused trailing bits set names the same key to Node: refused, not trusted as that key.
    const x = key.publicJwk.x;
    const lenientX = x.slice(0, -1) + String.fromCharCode(x.charCodeAt(x.length - 1) + 1);
    expect(Buffer.from(lenientX, 'base64url')).toEqual(Buffer.from(x, 'base64url'));
    expect(() => TrustedKeys.parse(JSON.stringify({ keys: [{ ...key.publicJwk, x: lenientX }] }), 'lenient.json')).toThrow(InvalidBase64urlError);
    expect(() => TrustedKeys.parse('{"keys":[]}', 'empty.json')).toThrow(/no Ed25519 key/);
    expect(() => TrustedKeys.parse('{"nope":1}', 'x.json')).toThrow(/no "keys" array/);
    expect(() => TrustedKeys.parse('not a key', 'x.pem')).toThrow(SigningKeyError);
  });
});
