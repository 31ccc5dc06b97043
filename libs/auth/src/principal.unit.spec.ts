import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnauthenticatedError } from './auth.errors.js';
import { principalContext, type Principal } from './principal.js';

const alice: Principal = { tenantId: 'acme', userId: 'alice', clientId: 'cli', scopes: ['memory:read'] };
const bob: Principal = { tenantId: 'globex', userId: 'bob', clientId: 'cli', scopes: [] };

describe('principalContext', () => {
  it('is empty outside run, and require() then throws an authentication error', () => {
    expect(principalContext.current()).toBeUndefined();
    expect(() => principalContext.require()).toThrow(UnauthenticatedError);
  });

  it('holds the principal through awaits and timers, and returns what fn returns', async () => {
    const result = await principalContext.run(alice, async () => {
      await sleep(5);
      const inTimer = await new Promise<Principal | undefined>((resolve) => setTimeout(() => resolve(principalContext.current()), 1));
      return { afterAwait: principalContext.require(), inTimer };
    });
    expect(result).toEqual({ afterAwait: alice, inTimer: alice });
    expect(principalContext.current()).toBeUndefined();
  });

  it('keeps concurrent calls apart', async () => {
    const seen = await Promise.all(
      [alice, bob, alice, bob].map((principal, index) =>
        principalContext.run(principal, async () => {
          await sleep(10 - index * 2);
          return principalContext.require().tenantId;
        }),
      ),
    );
    expect(seen).toEqual(['acme', 'globex', 'acme', 'globex']);
  });

  it('stores a frozen copy, so the caller cannot be changed mid-request', () => {
    const scopes = ['memory:read'];
    principalContext.run({ ...alice, scopes }, () => {
      scopes.push('admin');
      const principal = principalContext.require();
      expect(principal.scopes).toEqual(['memory:read']);
      expect(Object.isFrozen(principal)).toBe(true);
      expect(Object.isFrozen(principal.scopes)).toBe(true);
    });
  });
});
