import { afterEach, describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { AuthConfigError } from './auth.errors.js';
import { DevIssuer } from './dev-issuer.js';

const options = { issuer: 'http://127.0.0.1:3000', audience: 'http://127.0.0.1:3000/mcp' };

describe('DevIssuer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-dev-issuer-'));
    dirs.push(dir);
    return join(dir, 'data');
  }

  it('creates <dataDir>/keys/dev-issuer.json once, readable by its owner only, and reuses it after', () => {
    const dir = dataDir();
    const first = DevIssuer.openOrCreate(dir, options);
    const keyFile = join(dir, 'keys', 'dev-issuer.json');
    expect(first.isNew).toBe(true);
    expect(first.keyFile).toBe(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const content = readFileSync(keyFile, 'utf8');
    expect(JSON.parse(content)).toMatchObject({ version: 1, algorithm: 'HS256', issuer: options.issuer });
    expect(Buffer.from(JSON.parse(content).secret, 'base64url')).toHaveLength(32);

    const second = DevIssuer.openOrCreate(dir, options);
    expect(second.isNew).toBe(false);
    expect(readFileSync(keyFile, 'utf8')).toBe(content);
    // A token minted before the restart verifies with the key read after it.
    expect(jwt.verify(first.mint({ tenantId: 'acme', userId: 'alice', scopes: [] }), second.verificationKey(), { algorithms: ['HS256'] })).toMatchObject({ sub: 'alice' });
  });

  it('mints HS256 tokens with issuer, audience, subject, tenant, client, scope, lifetime and a unique id', () => {
    const issuer = DevIssuer.openOrCreate(dataDir(), { ...options, clock: () => new Date('2026-11-25T12:00:00Z') });
    const minted = issuer.issue({ tenantId: 'acme', userId: 'alice', clientId: 'claude', scopes: ['memory:read', 'memory:write', 'memory:read'], ttlSeconds: 600 });
    const decoded = jwt.decode(minted.token, { complete: true });
    const iat = Date.parse('2026-11-25T12:00:00Z') / 1000;
    expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decoded?.payload).toEqual({
      iss: options.issuer,
      aud: options.audience,
      sub: 'alice',
      tenant_id: 'acme',
      client_id: 'claude',
      scope: 'memory:read memory:write',
      iat,
      nbf: iat,
      exp: iat + 600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(minted.expiresAt.toISOString()).toBe('2026-11-25T12:10:00.000Z');
    const again = jwt.decode(issuer.mint({ tenantId: 'acme', userId: 'alice', scopes: [] })) as jwt.JwtPayload;
    expect(again.jti).not.toBe((decoded?.payload as jwt.JwtPayload).jti);
    expect(again.exp! - again.iat!).toBe(3600);
    expect(again.client_id).toBe('ledgerline-dev');
  });

  it('refuses to mint for an invalid tenant, user, client, scope or lifetime', () => {
    const issuer = DevIssuer.openOrCreate(dataDir(), options);
    const good = { tenantId: 'acme', userId: 'alice', scopes: ['memory:read'] };
    for (const request of [
      { ...good, tenantId: 'no spaces please' },
      { ...good, userId: '' },
      { ...good, clientId: 'x'.repeat(257) },
      { ...good, scopes: ['a b'] },
      { ...good, scopes: ['quote"d'] },
      { ...good, ttlSeconds: 0 },
      { ...good, ttlSeconds: 1.5 },
      { ...good, ttlSeconds: 31 * 24 * 3600 },
    ]) {
      expect(() => issuer.mint(request)).toThrow(ValidationError);
    }
  });

  it('refuses a damaged key file with a typed error that says how to recover', () => {
    const dir = dataDir();
    const { keyFile } = DevIssuer.openOrCreate(dir, options);
    writeFileSync(keyFile, '{"version":1,"algorithm":"HS256","secret":"c2hvcnQ"}');
    expect(() => DevIssuer.openOrCreate(dir, options)).toThrow(AuthConfigError);
    writeFileSync(keyFile, 'not json');
    expect(() => DevIssuer.openOrCreate(dir, options)).toThrow(/delete it to create a new key/);
  });
});
