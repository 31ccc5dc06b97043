import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { onBehalfOfAudience, parseConnectorConfig, type ConnectorConfigInput } from './connector-definition.js';

const minimal: ConnectorConfigInput = { baseUrl: 'https://api.example.com/v1', allowedHosts: ['api.example.com'] };

function refusal(input: unknown): { message: string; issues: Array<{ path: string; message: string }> } {
  try {
    parseConnectorConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('connector.invalid_config');
    return { message: (error as ValidationError).message, issues: (error as ValidationError).details['issues'] as Array<{ path: string; message: string }> };
  }
  throw new Error('configuration was accepted');
}

describe('parseConnectorConfig', () => {
  it('fills in the timeout and rate limit defaults', () => {
    expect(parseConnectorConfig(minimal)).toEqual({ ...minimal, timeoutMs: 10_000, rateLimit: { perSecond: 10, burst: 10 } });
  });

  it('keeps a full definition and defaults burst to ceil(perSecond)', () => {
    const full = {
      ...minimal,
      allowedHosts: ['api.example.com', 'files.example.com:8443', '127.0.0.1', '[::1]:8080', 'example.org.'],
      auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' },
      timeoutMs: 100,
      rateLimit: { perSecond: 2.5 },
      headers: { 'X-Account': 'acme', Accept: 'application/vnd.example+json' },
    };
    expect(parseConnectorConfig(full)).toEqual({ ...full, rateLimit: { perSecond: 2.5, burst: 3 } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-URL base', { baseUrl: 'not a url' }, 'baseUrl'],
    ['an ftp base', { baseUrl: 'ftp://api.example.com/' }, 'baseUrl'],
    ['credentials in the base', { baseUrl: 'https://user:pw@api.example.com/' }, 'baseUrl'],
    ['a fragment in the base', { baseUrl: 'https://api.example.com/v1#' }, 'baseUrl'],
    ['a query in the base', { baseUrl: 'https://api.example.com/v1?x=1' }, 'baseUrl'],
    ['no allowed host', { allowedHosts: [] }, 'allowedHosts'],
    ['21 allowed hosts', { allowedHosts: Array.from({ length: 21 }, (_, i) => `h${i}.example.com`).concat('api.example.com') }, 'allowedHosts'],
    ['an upper-case host', { allowedHosts: ['api.example.com', 'API.example.com'] }, 'allowedHosts.1'],
    ['a wildcard host', { allowedHosts: ['api.example.com', '*.example.com'] }, 'allowedHosts.1'],
    ['a URL as host', { allowedHosts: ['api.example.com', 'https://x.example.com'] }, 'allowedHosts.1'],
    ['a port out of range', { allowedHosts: ['api.example.com', 'x.example.com:70000'] }, 'allowedHosts.1'],
    ['a port with leading zeros', { allowedHosts: ['api.example.com', 'x.example.com:0443'] }, 'allowedHosts.1'],
    ['a non-canonical IP', { allowedHosts: ['api.example.com', '0x7f.1'] }, 'allowedHosts.1'],
    ['a unicode host', { allowedHosts: ['api.example.com', 'bücher.de'] }, 'allowedHosts.1'],
    ['a base host not listed', { allowedHosts: ['other.example.com'] }, 'allowedHosts'],
    ['a base port not listed', { baseUrl: 'https://api.example.com:8443/', allowedHosts: ['api.example.com:443'] }, 'allowedHosts'],
    ['a template without the secret', { auth: { placement: 'header', name: 'Authorization', template: 'Bearer' } }, 'auth.template'],
    ['a template with the secret twice', { auth: { placement: 'query', name: 'key', template: '{{secret}}{{secret}}' } }, 'auth.template'],
    ['a template with a newline', { auth: { placement: 'header', name: 'X-Key', template: '{{secret}}\r\nX-Evil: 1' } }, 'auth.template'],
    ['an auth name that is no token', { auth: { placement: 'header', name: 'X Key', template: '{{secret}}' } }, 'auth.name'],
    ['the secret in the Host header', { auth: { placement: 'header', name: 'Host', template: '{{secret}}' } }, 'auth.name'],
    ['an unknown placement', { auth: { placement: 'cookie', name: 'sid', template: '{{secret}}' } }, 'auth.placement'],
    ['a timeout below 100 ms', { timeoutMs: 99 }, 'timeoutMs'],
    ['a timeout above 2 minutes', { timeoutMs: 120_001 }, 'timeoutMs'],
    ['a fractional timeout', { timeoutMs: 1000.5 }, 'timeoutMs'],
    ['a zero rate', { rateLimit: { perSecond: 0 } }, 'rateLimit.perSecond'],
    ['a rate above 10,000/s', { rateLimit: { perSecond: 10_001 } }, 'rateLimit.perSecond'],
    ['a zero burst', { rateLimit: { perSecond: 1, burst: 0 } }, 'rateLimit.burst'],
    ['a fractional burst', { rateLimit: { perSecond: 1, burst: 1.5 } }, 'rateLimit.burst'],
    ['a static Authorization header', { headers: { authorization: 'Basic x' } }, 'headers.authorization'],
    ['a static Host header', { headers: { Host: 'evil.example.com' } }, 'headers.Host'],
    ['a static Idempotency-Key header', { headers: { 'Idempotency-Key': 'fixed' } }, 'headers.Idempotency-Key'],
    ['a static Content-Length header', { headers: { 'Content-Length': '5' } }, 'headers.Content-Length'],
    ['a static header shadowing the auth header', { auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' }, headers: { 'x-api-key': 'k' } }, 'headers.x-api-key'],
    ['a header value with CR/LF', { headers: { 'X-A': 'a\r\nX-Evil: 1' } }, 'headers.X-A'],
    ['a header name that is no token', { headers: { 'X A': 'a' } }, 'headers.X A'],
    ['an unknown field', { retries: 3 }, '(root)'],
    ['an assertion header that is no token', { onBehalfOf: { header: 'On Behalf' } }, 'onBehalfOf.header'],
    ['an assertion in Host', { onBehalfOf: { header: 'Host' } }, 'onBehalfOf.header'],
    ['an assertion in Content-Length', { onBehalfOf: { header: 'content-length' } }, 'onBehalfOf.header'],
    ['an assertion in Cookie', { onBehalfOf: { header: 'Cookie' } }, 'onBehalfOf.header'],
    ['an assertion in Idempotency-Key', { onBehalfOf: { header: 'Idempotency-Key' } }, 'onBehalfOf.header'],
    ['an assertion in the trace context', { onBehalfOf: { header: 'traceparent' } }, 'onBehalfOf.header'],
    ['an assertion in Proxy-Authorization', { onBehalfOf: { header: 'Proxy-Authorization' } }, 'onBehalfOf.header'],
    ['an assertion in a forwarding header', { onBehalfOf: { header: 'X-Forwarded-User' } }, 'onBehalfOf.header'],
    ['an assertion in Authorization while the secret goes there', { auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' }, onBehalfOf: { header: 'authorization' } }, 'onBehalfOf.header'],
    ['an assertion in the secret\'s header', { auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' }, onBehalfOf: { header: 'x-api-key' } }, 'onBehalfOf.header'],
    ['an assertion in a static header', { headers: { 'X-On-Behalf-Of': 'fixed' }, onBehalfOf: { header: 'x-on-behalf-of' } }, 'onBehalfOf.header'],
    ['an assertion without a header', { onBehalfOf: { audience: 'https://api.example.com' } }, 'onBehalfOf.header'],
    ['an assertion audience with a space', { onBehalfOf: { header: 'X-Obo', audience: 'api example' } }, 'onBehalfOf.audience'],
    ['an empty assertion audience', { onBehalfOf: { header: 'X-Obo', audience: '' } }, 'onBehalfOf.audience'],
    ['an assertion that is no object', { onBehalfOf: 'X-Obo' }, 'onBehalfOf'],
    ['an unknown assertion field', { onBehalfOf: { header: 'X-Obo', lifetime: 3600 } }, 'onBehalfOf'],
  ])('refuses %s', (_, change, path) => {
    const { message, issues } = refusal({ ...minimal, ...change });
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(message).toContain(`${path}: `);
  });

  it('keeps an on-behalf-of header, Authorization too while no secret is configured to go there', () => {
    for (const change of [
      { onBehalfOf: { header: 'Ledgerline-On-Behalf-Of', audience: 'urn:example:billing' } },
      { onBehalfOf: { header: 'Authorization' } },
      { auth: { placement: 'query', name: 'api_key', template: '{{secret}}' }, onBehalfOf: { header: 'Authorization' } },
      { auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' }, onBehalfOf: { header: 'Authorization' } },
    ] as const) {
      expect(parseConnectorConfig({ ...minimal, ...change })).toMatchObject(change);
    }
  });

  it('defaults the assertion audience to the origin of the base URL', () => {
    expect(onBehalfOfAudience(parseConnectorConfig({ ...minimal, baseUrl: 'https://api.example.com:443/v1/', onBehalfOf: { header: 'X-Obo' } }))).toBe('https://api.example.com');
    expect(onBehalfOfAudience(parseConnectorConfig({ ...minimal, onBehalfOf: { header: 'X-Obo', audience: 'urn:example:billing' } }))).toBe('urn:example:billing');
  });

  it('names every bad field at once', () => {
    const { issues } = refusal({ baseUrl: 'ftp://x', allowedHosts: ['X'], timeoutMs: 5 });
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['baseUrl', 'allowedHosts.0', 'timeoutMs']));
  });

  it('refuses what is not an object', () => {
    expect(refusal('https://api.example.com').issues[0]?.path).toBe('(root)');
  });
});
