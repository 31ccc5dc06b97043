import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { UnauthenticatedError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { inMemorySettings } from './testing/in-memory-settings.js';
import { ecKeyPair, nowSeconds, publicJwk, signed, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const caller = (userId: string): Principal => ({ tenantId: 'acme', userId, clientId: 'cli', scopes: [] });

describe('VerifiedTokenCache', () => {
  it('answers until the entry expires, and forgets it then', () => {
    const cache = new VerifiedTokenCache();
    cache.set('token', caller('alice'), 1_000);
    expect(cache.get('token', 999)).toEqual(caller('alice'));
    expect(cache.get('token', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most its size, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', caller('a'), 1_000);
    cache.set('b', caller('b'), 1_000);
    cache.get('a', 0);
    cache.set('c', caller('c'), 1_000);
    expect([cache.get('a', 0)?.userId, cache.get('b', 0), cache.get('c', 0)?.userId]).toEqual(['a', undefined, 'c']);
    expect(cache.size).toBe(2);
  });
});

describe('TokenVerifier\'s verified-token cache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  const { settings } = inMemorySettings({ clockToleranceSeconds: 5 });
  const ec = ecKeyPair();

  function setUp(): { verifier: TokenVerifier; keysAsked: () => number; revoked: Set<string> } {
    let asked = 0;
    const jwks = { keys: [publicJwk(ec.publicKey, 'ec-1', 'ES256')] };
    const revoked = new Set<string>();
    const verifier = TokenVerifier.fromSettings(settings, {
      // Every verification that is not a cache hit asks for the keys.
      accessTokenKeys: { publicJwks: () => ((asked += 1), jwks) },
      grantStatus: {
        assertActive: (principal) => {
          if (principal.grantId !== undefined && revoked.has(principal.grantId)) throw new UnauthenticatedError('the grant was revoked', true);
        },
      },
    });
    return { verifier, keysAsked: () => asked, revoked };
  }

  const accessToken = (overrides: Record<string, unknown> = {}) =>
    signed(validClaims(settings.issuer, settings.resourceUrl, { grant_id: 'grant-1', ...overrides }), ec.privateKey, 'ES256', 'ec-1', { typ: 'at+jwt' });

  it('verifies a token once, then answers from memory', async () => {
    const { verifier, keysAsked } = setUp();
    const token = accessToken();
    for (let call = 0; call < 3; call += 1) await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ grantId: 'grant-1' });
    expect(keysAsked()).toBe(1);
  });

  it('refuses a revoked grant on a cache hit', async () => {
    const { verifier, keysAsked, revoked } = setUp();
    const token = accessToken();
    await verifier.verify(`Bearer ${token}`);
    revoked.add('grant-1');
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ code: 'auth.invalid_token', message: 'the grant was revoked' });
    expect(keysAsked()).toBe(1);
  });

  it('refuses a cached token once it is past its exp and the clock tolerance', async () => {
    const { verifier, keysAsked } = setUp();
    const exp = nowSeconds() + 60;
    const token = accessToken({ exp });
    await verifier.verify(`Bearer ${token}`);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime((exp + 4) * 1000);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ grantId: 'grant-1' });
    expect(keysAsked()).toBe(1);
    jest.setSystemTime((exp + 5) * 1000);
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ code: 'auth.invalid_token', message: 'the token has expired' });
    expect(keysAsked()).toBe(2);
  });

  it('never remembers a token that did not verify', async () => {
    const { verifier, keysAsked } = setUp();
    const token = accessToken({ tenant_id: undefined });
    for (let call = 0; call < 2; call += 1) await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ message: expect.stringMatching(/tenant_id/) });
    expect(keysAsked()).toBe(2);
  });
});
