import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { parseConnectorConfig } from './connector-definition.js';
import { connectorUrl, parseConnectorRequest } from './connector-request.js';

const headerAuth = parseConnectorConfig({
  baseUrl: 'https://api.example.com/api',
  allowedHosts: ['api.example.com'],
  auth: { placement: 'header', name: 'X-Api-Key', template: '{{secret}}' },
});
const queryAuth = parseConnectorConfig({
  baseUrl: 'https://api.example.com/',
  allowedHosts: ['api.example.com'],
  auth: { placement: 'query', name: 'api_key', template: '{{secret}}' },
});

function refusedPath(input: unknown, config = headerAuth): string {
  try {
    parseConnectorRequest(input, config);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('connector.invalid_request');
    return ((error as ValidationError).details['issues'] as Array<{ path: string }>)[0]?.path ?? '';
  }
  throw new Error('request was accepted');
}

describe('parseConnectorRequest', () => {
  it('accepts a full request and returns it unchanged', () => {
    const request = { method: 'POST', path: '/orders/42', query: { expand: 'lines' }, headers: { 'X-Trace': 't1' }, body: { amount: 5, tags: ['a'] } };
    expect(parseConnectorRequest(request, headerAuth)).toEqual(request);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown method', { method: 'TRACE' }, 'method'],
    ['a relative path', { path: 'orders' }, 'path'],
    ['a protocol-relative path', { path: '//evil.example.com/x' }, 'path'],
    ['a backslash', { path: '/\\evil.example.com/x' }, 'path'],
    ['a scheme', { path: '/https://evil.example.com' }, 'path'],
    ['a query in the path', { path: '/x?api_key=1' }, 'path'],
    ['a fragment in the path', { path: '/x#y' }, 'path'],
    ['a dot-dot segment', { path: '/a/../../admin' }, 'path'],
    ['an encoded dot-dot segment', { path: '/a/%2E%2e/admin' }, 'path'],
    ['a tab the URL parser would drop', { path: '/a\tb' }, 'path'],
    ['an Authorization header', { headers: { Authorization: 'Bearer stolen' } }, 'headers.Authorization'],
    ['a Host header', { headers: { host: 'evil.example.com' } }, 'headers.host'],
    ['an Idempotency-Key header', { headers: { 'IDEMPOTENCY-KEY': 'other' } }, 'headers.IDEMPOTENCY-KEY'],
    ['a Content-Length header', { headers: { 'content-length': '0' } }, 'headers.content-length'],
    ['the auth header under another case', { headers: { 'x-api-key': 'mine' } }, 'headers.x-api-key'],
    ['a header value with CR/LF', { headers: { 'X-A': 'a\r\nHost: evil' } }, 'headers.X-A'],
    ['a header name that is no token', { headers: { 'X:A': 'a' } }, 'headers.X:A'],
    ['a body on GET', { method: 'GET', body: { a: 1 } }, 'body'],
    ['a body that is not JSON', { body: { at: new Date(0) } }, 'body.at'],
    ['an unknown field', { url: 'https://evil.example.com' }, '(root)'],
  ])('refuses %s', (_, change, path) => {
    expect(refusedPath({ method: 'POST', path: '/orders', ...change })).toBe(path);
  });

  it('refuses a header that would shadow the on-behalf-of assertion', () => {
    const asking = parseConnectorConfig({ baseUrl: 'https://api.example.com/', allowedHosts: ['api.example.com'], onBehalfOf: { header: 'Authorization' } });
    expect(refusedPath({ method: 'POST', path: '/x', headers: { authorization: 'Bearer forged' } }, asking)).toBe('headers.authorization');
    const custom = parseConnectorConfig({ baseUrl: 'https://api.example.com/', allowedHosts: ['api.example.com'], onBehalfOf: { header: 'Ledgerline-On-Behalf-Of' } });
    expect(refusedPath({ method: 'POST', path: '/x', headers: { 'LEDGERLINE-ON-BEHALF-OF': 'forged' } }, custom)).toBe('headers.LEDGERLINE-ON-BEHALF-OF');
  });

  it('refuses a query parameter that would shadow the secret', () => {
    expect(refusedPath({ method: 'GET', path: '/x', query: { api_key: 'mine' } }, queryAuth)).toBe('query.api_key');
    expect(parseConnectorRequest({ method: 'GET', path: '/x', query: { api_key: 'fine' } }, headerAuth).query).toEqual({ api_key: 'fine' });
  });

  it('refuses a body over 1 MiB', () => {
    expect(refusedPath({ method: 'PUT', path: '/x', body: 'x'.repeat(1024 * 1024) })).toBe('body');
  });
});

describe('connectorUrl', () => {
  it('keeps the base path prefix, with or without a trailing slash', () => {
    expect(connectorUrl('https://h.example.com/api', { path: '/x' }).href).toBe('https://h.example.com/api/x');
    expect(connectorUrl('https://h.example.com/api/', { path: '/x/y' }).href).toBe('https://h.example.com/api/x/y');
    expect(connectorUrl('https://h.example.com', { path: '/' }).href).toBe('https://h.example.com/');
  });

  it('appends the query, encoded', () => {
    expect(connectorUrl('https://h.example.com/api', { path: '/search', query: { q: 'a b&c', n: '1' } }).href).toBe('https://h.example.com/api/search?q=a+b%26c&n=1');
  });

  it('refuses a path the parser would move off the base, even when not validated first', () => {
    expect(() => connectorUrl('https://h.example.com/api', { path: '/../admin' })).toThrow(ValidationError);
    expect(() => connectorUrl('https://h.example.com', { path: '//evil.example.com/x' })).toThrow(ValidationError);
  });
});
