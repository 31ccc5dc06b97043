import { describe, expect, it } from '@jest/globals';
import { ForbiddenError } from '#core';
import { assertEgressAllowed, isEgressAllowed } from './egress-policy.js';

const allowed = ['api.example.com', 'files.example.com:8443', '10.0.0.5', 'dotted.example.com.'];

describe('assertEgressAllowed', () => {
  it.each([
    'https://api.example.com/v1/orders?x=1',
    'http://api.example.com:8080/',
    'https://files.example.com:8443/upload',
    'http://10.0.0.5/',
    'https://dotted.example.com./x',
    'https://API.Example.COM/x',
  ])('allows %s', (url) => {
    expect(isEgressAllowed(new URL(url), allowed)).toBe(true);
    expect(() => assertEgressAllowed(new URL(url), allowed)).not.toThrow();
  });

  it.each([
    ['another host', 'https://evil.example.com/'],
    ['a sub-domain of a listed host', 'https://x.api.example.com/'],
    ['a listed host as a prefix', 'https://api.example.com.evil.net/'],
    ['another port than the listed one', 'https://files.example.com:8444/'],
    ['the default port when a port is listed', 'https://files.example.com/'],
    ['ftp:', 'ftp://api.example.com/'],
    ['file:', 'file:///etc/passwd'],
    ['userinfo', 'https://user:pw@api.example.com/'],
    ['a user name alone', 'https://user@api.example.com/'],
    ['an IP literal not listed', 'http://127.0.0.1/'],
    ['an IPv6 literal not listed', 'http://[::1]/'],
    ['a neighbouring IP', 'http://10.0.0.6/'],
    ['a trailing dot not listed', 'https://api.example.com./'],
    ['a listed trailing-dot host without the dot', 'https://dotted.example.com/'],
  ])('refuses %s', (_, url) => {
    expect(isEgressAllowed(new URL(url), allowed)).toBe(false);
    expect(() => assertEgressAllowed(new URL(url), allowed)).toThrow(ForbiddenError);
  });

  it('matches an entry with a port against the scheme default port', () => {
    expect(isEgressAllowed(new URL('https://h.example.com/'), ['h.example.com:443'])).toBe(true);
    expect(isEgressAllowed(new URL('http://h.example.com/'), ['h.example.com:443'])).toBe(false);
    expect(isEgressAllowed(new URL('http://[::1]:8080/'), ['[::1]:8080'])).toBe(true);
  });

  it('names the host only, never the path or query', () => {
    try {
      assertEgressAllowed(new URL('https://evil.example.com:444/steal?token=s3cr3t'), allowed);
    } catch (error) {
      expect(error).toMatchObject({ code: 'connector.egress_refused', details: { host: 'evil.example.com:444' } });
      expect(JSON.stringify(error) + (error as Error).message).not.toMatch(/steal|s3cr3t/);
      return;
    }
    throw new Error('egress was allowed');
  });
});
