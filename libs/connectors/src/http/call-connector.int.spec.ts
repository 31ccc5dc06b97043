import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { ForbiddenError, IllegalStateError, ValidationError } from '#core';
import { startFixtureServer, type FixtureServer } from '../../../../test/support/fixture-server.js';
import { freePort } from '../../../../test/support/processes.js';
import { callConnector, connectorEgress, renderConnectorCall, type ConnectorCall } from './call-connector.js';
import { ConnectorAbortedError, ConnectorCallError } from './connector-call.errors.js';
import { parseConnectorConfig, type ConnectorConfig, type ConnectorConfigInput } from './connector-definition.js';
import type { ConnectorRequest } from './connector-request.js';

const SECRET = 'sk_live a&b=c/+%Zz9';

let fixture: FixtureServer;
let keys = 0;

beforeAll(async () => {
  fixture = await startFixtureServer();
});
afterEach(() => fixture.reset());
afterAll(() => fixture.close());

function config(change: Partial<ConnectorConfigInput> = {}): ConnectorConfig {
  return parseConnectorConfig({ baseUrl: `${fixture.url}/api`, allowedHosts: [new URL(fixture.url).host], timeoutMs: 2_000, ...change });
}

const headerAuth = { auth: { placement: 'header', name: 'X-Api-Key', template: 'Key {{secret}}' } } as const;
const queryAuth = { auth: { placement: 'query', name: 'api_key', template: '{{secret}}' } } as const;

/** The fixture listens on loopback, a non-public address: these calls go through an egress that opens it. */
const LOOPBACK = connectorEgress(['127.0.0.1/32']);

function call(request: ConnectorRequest, change: Partial<ConnectorCall> = {}): ConnectorCall {
  return { config: config(queryAuth), secret: SECRET, request, idempotencyKey: `key-${++keys}`, egress: LOOPBACK, ...change };
}

async function failure(connectorCall: ConnectorCall): Promise<Error> {
  try {
    await callConnector(connectorCall);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('the call succeeded');
}

async function callError(connectorCall: ConnectorCall): Promise<ConnectorCallError> {
  const error = await failure(connectorCall);
  expect(error).toBeInstanceOf(ConnectorCallError);
  return error as ConnectorCallError;
}

describe('callConnector, success', () => {
  it('sends the secret in the configured header, the idempotency key, static headers and a JSON body', async () => {
    const response = await callConnector(
      call(
        { method: 'POST', path: '/orders', headers: { 'X-Trace': 't-1' }, body: { amount: 5 } },
        { config: config({ ...headerAuth, headers: { 'X-Account': 'acme' } }), idempotencyKey: 'order-42' },
      ),
    );
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { ok: true, path: '/api/orders', received: { amount: 5 }, id: expect.any(Number) },
      durationMs: expect.any(Number),
    });
    const [received] = fixture.requests;
    expect(received).toMatchObject({ method: 'POST', path: '/api/orders', query: {}, idempotencyKey: 'order-42', body: { amount: 5 } });
    expect(received?.headers).toMatchObject({ 'x-api-key': `Key ${SECRET}`, 'content-type': 'application/json', 'x-account': 'acme', 'x-trace': 't-1' });
    expect(received?.headers['authorization']).toBeUndefined();
  });

  it('renders without sending exactly what it sends (dry runs): the same URL, headers and body, by the same code', async () => {
    const sent = call({ method: 'POST', path: '/orders', query: { q: 'a b' }, headers: { 'X-Trace': 't-1' }, body: { amount: 5 } }, { config: config({ ...headerAuth, headers: { 'X-Account': 'acme' } }) });
    const rendered = renderConnectorCall(sent);
    expect(fixture.requests).toHaveLength(0);
    await callConnector(sent);
    const [received] = fixture.requests;
    expect(rendered).toMatchObject({ method: 'POST', url: `${fixture.url}/api/orders?q=a+b`, body: { amount: 5 }, egress: 'allowed' });
    expect(rendered.refusal).toBeUndefined();
    const framing = ['host', 'connection', 'content-length', 'accept-encoding', 'accept-language', 'sec-fetch-mode'];
    const receivedHeaders = Object.fromEntries(Object.entries(received!.headers).filter(([name]) => !framing.includes(name)));
    expect(rendered.headers).toEqual(receivedHeaders);
  });

  it('renders with a stand-in for the secret in the query, and reports a refused egress without throwing', () => {
    const marked = renderConnectorCall(call({ method: 'GET', path: '/search', query: { q: 'x' } }, { secret: '[secret]' }));
    expect(marked.url).toBe(`${fixture.url}/api/search?q=x&api_key=%5Bsecret%5D`);
    const offList = renderConnectorCall(call({ method: 'GET', path: '/x' }, { config: config({ ...queryAuth, baseUrl: 'http://169.254.169.254/latest', allowedHosts: ['169.254.169.254'] }), secret: '[secret]' }));
    expect(offList).toMatchObject({ egress: 'refused', url: 'http://169.254.169.254/latest/x?api_key=%5Bsecret%5D', refusal: expect.objectContaining({ code: 'connector.egress_refused' }) });
    const noSecret = renderConnectorCall(call({ method: 'GET', path: '/x' }, { secret: undefined }));
    expect(noSecret).toMatchObject({ egress: 'allowed', refusal: expect.objectContaining({ code: 'connector.secret_missing' }) });
    expect(fixture.requests).toHaveLength(0);
  });

  it('sends the secret as a query parameter, exactly, beside the request query', async () => {
    await callConnector(call({ method: 'GET', path: '/search', query: { q: 'a b' } }));
    expect(fixture.requests[0]).toMatchObject({ method: 'GET', path: '/api/search', query: { q: 'a b', api_key: SECRET }, body: undefined });
  });

  it('keeps a JSON-based content type the request chose, and sends application/json otherwise', async () => {
    await callConnector(call({ method: 'PATCH', path: '/o/1', headers: { 'Content-Type': 'application/merge-patch+json' }, body: { a: null } }));
    await callConnector(call({ method: 'PUT', path: '/o/1', headers: { 'content-type': 'text/plain' }, body: 'text' }));
    expect(fixture.requests.map((request) => [request.headers['content-type'], request.body])).toEqual([
      ['application/merge-patch+json', { a: null }],
      ['application/json', 'text'],
    ]);
  });

  it('returns a text body cut to 64 KiB, and the kept headers only', async () => {
    fixture.respond('/api/report', { bodyBytes: 100_000, headers: { location: '/api/report/1', 'x-internal': 'no' } });
    const response = await callConnector(call({ method: 'GET', path: '/report' }));
    expect((response.body as string).length).toBe(64 * 1024);
    expect(response.headers).toEqual({ 'content-type': 'text/plain', location: '/api/report/1' });
  });
});

describe('callConnector, refused before any request', () => {
  it('refuses a host that is not allowed (even when the config was tampered with)', async () => {
    const tampered = { ...config(queryAuth), allowedHosts: ['127.0.0.1:1'] };
    const error = await failure(call({ method: 'POST', path: '/x', body: {} }, { config: tampered }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'connector.egress_refused', details: { host: new URL(fixture.url).host } });
    expect(fixture.requests).toHaveLength(0);
  });

  it('refuses a hostile rendered request', async () => {
    const error = await failure(call({ method: 'GET', path: '//evil.example.com/x' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'connector.invalid_request' });
    expect(fixture.requests).toHaveLength(0);
  });

  it('refuses to call without the secret the auth needs', async () => {
    const error = await failure(call({ method: 'GET', path: '/x' }, { secret: undefined }));
    expect(error).toBeInstanceOf(IllegalStateError);
    expect(error).toMatchObject({ code: 'connector.secret_missing' });
    expect(fixture.requests).toHaveLength(0);
  });

  it('refuses an idempotency key that cannot travel in a header', async () => {
    await expect(callConnector(call({ method: 'GET', path: '/x' }, { idempotencyKey: 'a\nb' }))).rejects.toMatchObject({ code: 'connector.invalid_request' });
    expect(fixture.requests).toHaveLength(0);
  });
});

describe('callConnector, failures', () => {
  it('times out against a hanging endpoint, retryably', async () => {
    fixture.script('/api/hang', [{ hangMs: 30_000 }]);
    const started = Date.now();
    const error = await callError(call({ method: 'POST', path: '/hang', body: {} }, { config: config({ ...queryAuth, timeoutMs: 200 }) }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ code: 'connector.timeout', errorClass: 'timeout', retryable: true, status: undefined });
  });

  it('tells a caller abort apart from a timeout', async () => {
    fixture.respond('/api/hang', { hangMs: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(call({ method: 'GET', path: '/hang' }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(ConnectorAbortedError);
    expect(error).not.toBeInstanceOf(ConnectorCallError);
    expect(error).toMatchObject({ code: 'connector.aborted', name: 'AbortError' });
    const before = fixture.requests.length;
    await expect(callConnector(call({ method: 'GET', path: '/hang' }, { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(ConnectorAbortedError);
    expect(fixture.requests).toHaveLength(before);
  });

  it('reads 429 Retry-After as delta-seconds and as an HTTP-date', async () => {
    fixture.script('/api/busy', [{ status: 429, retryAfter: '7' }, { status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() }]);
    const seconds = await callError(call({ method: 'POST', path: '/busy', body: {} }));
    expect(seconds).toMatchObject({ code: 'connector.rate_limited', errorClass: 'rate_limited', status: 429, retryAfterMs: 7_000, retryable: true });
    const date = await callError(call({ method: 'POST', path: '/busy', body: {} }));
    expect(date.retryAfterMs).toBeGreaterThan(25_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('classes 5xx and 408 as retryable server errors, 4xx as final client errors', async () => {
    fixture.script('/api/x', [{ status: 500 }, { status: 503, retryAfter: '2' }, { status: 408 }, { status: 400, body: { error: 'amount must be positive' } }, { status: 404 }]);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await callError(call({ method: 'POST', path: '/x', body: {} })));
    expect(outcomes.map(({ code, errorClass, status, retryable, retryAfterMs }) => ({ code, errorClass, status, retryable, retryAfterMs }))).toEqual([
      { code: 'connector.http_5xx', errorClass: 'server', status: 500, retryable: true, retryAfterMs: undefined },
      { code: 'connector.http_5xx', errorClass: 'server', status: 503, retryable: true, retryAfterMs: 2_000 },
      { code: 'connector.http_408', errorClass: 'server', status: 408, retryable: true, retryAfterMs: undefined },
      { code: 'connector.http_4xx', errorClass: 'client', status: 400, retryable: false, retryAfterMs: undefined },
      { code: 'connector.http_4xx', errorClass: 'client', status: 404, retryable: false, retryAfterMs: undefined },
    ]);
    expect(outcomes[3]?.details['responseBody']).toBe('{"error":"amount must be positive"}');
  });

  it('does not follow a redirect', async () => {
    fixture.respond('/api/moved', { status: 302, headers: { location: `${fixture.url}/elsewhere` } });
    const error = await callError(call({ method: 'GET', path: '/moved' }));
    expect(error).toMatchObject({ code: 'connector.redirect', errorClass: 'redirect', status: 302, retryable: false });
    expect(fixture.requests.map((request) => request.path)).toEqual(['/api/moved']);
  });

  it('refuses a response body over 1 MiB', async () => {
    fixture.respond('/api/huge', { bodyBytes: 1024 * 1024 + 1 });
    const error = await callError(call({ method: 'GET', path: '/huge' }));
    expect(error).toMatchObject({ code: 'connector.response_too_large', errorClass: 'response_too_large', retryable: false });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const port = await freePort();
    const closed = config({ ...queryAuth, baseUrl: `http://127.0.0.1:${port}/`, allowedHosts: [`127.0.0.1:${port}`] });
    const error = await callError(call({ method: 'GET', path: '/x' }, { config: closed }));
    expect(error).toMatchObject({ code: 'connector.network', errorClass: 'network', retryable: true });
    expect(error.message).toBe(`GET 127.0.0.1:${port}/x failed without a response (ECONNREFUSED)`);
  });
});

describe('callConnector, secrecy', () => {
  it('never shows the secret or the query string in any error, its details, its JSON or its causes', async () => {
    const echo = (status: number) => ({ status, body: `you sent key=${SECRET} and ${encodeURIComponent(SECRET)}` });
        const port = await freePort();
    const errors: Error[] = [];
    for (const auth of [queryAuth, headerAuth]) {
      fixture.script('/api/leaky', [echo(401), echo(500), { status: 302, headers: { location: '/x' } }, { status: 429, retryAfter: '1' }]);
      for (let i = 0; i < 4; i++) errors.push(await failure(call({ method: 'POST', path: '/leaky', body: {} }, { config: config(auth) })));
    }
    fixture.script('/api/leaky', [{ hangMs: 30_000 }]);
    errors.push(await failure(call({ method: 'POST', path: '/leaky', body: {} }, { config: config({ ...queryAuth, timeoutMs: 150 }) })));
    const unreachable = config({ ...queryAuth, baseUrl: `http://127.0.0.1:${port}/`, allowedHosts: [`127.0.0.1:${port}`] });
    errors.push(await failure(call({ method: 'GET', path: '/x' }, { config: unreachable })));
    errors.push(await failure(call({ method: 'GET', path: '/x' }, { config: config(headerAuth), secret: `${SECRET}\n` })));
    expect(errors.map((error) => (error as ConnectorCallError).code)).toEqual([
      ...['connector.http_4xx', 'connector.http_5xx', 'connector.redirect', 'connector.rate_limited'],
      ...['connector.http_4xx', 'connector.http_5xx', 'connector.redirect', 'connector.rate_limited'],
      'connector.timeout',
      'connector.network',
      'connector.secret_invalid',
    ]);
    expect(errors[0]?.message).toBe(`POST ${new URL(fixture.url).host}/api/leaky answered 401`);
    for (const error of errors) {
      const shown = [error.message, JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
      for (const spelling of [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ k: SECRET }).toString().slice(2), 'api_key=']) {
        expect(shown).not.toContain(spelling);
      }
    }
    expect(String((errors[0] as ConnectorCallError).details['responseBody'])).toBe('you sent key=[redacted] and [redacted]');
  });
});

describe('callConnector, secrecy of successful answers', () => {
  it('redacts the secret from a 2xx answer that echoes it, in the body and the kept headers', async () => {
    fixture.script('/api/echoing', [{ status: 200, body: { youSent: `Bearer ${SECRET}`, [SECRET]: [encodeURIComponent(SECRET)] }, headers: { location: `/next?k=${SECRET}` } }]);
    const response = await callConnector(call({ method: 'POST', path: '/echoing', body: {} }, { config: config(headerAuth) }));
    expect(response.body).toEqual({ youSent: 'Bearer [redacted]', '[redacted]': ['[redacted]'] });
    expect(JSON.stringify(response)).not.toContain(SECRET);
  });
});

describe('callConnector, egress to non-public addresses (SSRF)', () => {
  const refused = async (connectorCall: ConnectorCall): Promise<void> => {
    const error = await failure(connectorCall);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'connector.egress_refused' });
  };

  it('refuses loopback, link-local (the metadata service) and private IP literals the operator did not open, before any connection', async () => {
    await refused(call({ method: 'GET', path: '/x' }, { egress: undefined }));
    for (const host of ['169.254.169.254', '10.1.2.3', '192.168.0.1', '[::1]', '[::ffff:7f00:1]', '0.0.0.0']) {
      await refused(call({ method: 'GET', path: '/x' }, { config: parseConnectorConfig({ baseUrl: `http://${host}/`, allowedHosts: [host] }), egress: connectorEgress([]) }));
    }
    expect(fixture.requests).toHaveLength(0);
  });

  it('refuses a NAME that resolves to a non-public address (DNS rebinding), checked on the address connected to', async () => {
    const port = new URL(fixture.url).port;
    const viaName = parseConnectorConfig({ baseUrl: `http://localhost:${port}/api`, allowedHosts: [`localhost:${port}`], timeoutMs: 2_000 });
    await refused(call({ method: 'GET', path: '/x' }, { config: viaName, egress: connectorEgress([]) }));
    expect(fixture.requests).toHaveLength(0);
    // Opened by the operator (every address the name resolves to), the same call goes through.
    await callConnector(call({ method: 'GET', path: '/x' }, { config: viaName, egress: connectorEgress(['127.0.0.0/8', '::1/128']) }));
    expect(fixture.requests).toHaveLength(1);
  });
});

describe('callConnector, on-behalf-of assertion', () => {
  const ASSERTION = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

  it('sends the assertion bare in the header the connector names, beside the secret in its own', async () => {
    await callConnector(call({ method: 'POST', path: '/obo', body: {} }, { config: config({ ...headerAuth, onBehalfOf: { header: 'Ledgerline-On-Behalf-Of' } }), assertion: ASSERTION }));
    expect(fixture.requests[0]?.headers).toMatchObject({ 'ledgerline-on-behalf-of': ASSERTION, 'x-api-key': `Key ${SECRET}` });
  });

  it('sends it as a bearer credential in Authorization', async () => {
    await callConnector(call({ method: 'GET', path: '/obo' }, { config: config({ onBehalfOf: { header: 'Authorization' } }), secret: undefined, assertion: ASSERTION }));
    expect(fixture.requests[0]?.headers['authorization']).toBe(`Bearer ${ASSERTION}`);
  });

  it('never calls a connector that asks for an assertion without one', async () => {
    const error = await failure(call({ method: 'GET', path: '/obo' }, { config: config({ onBehalfOf: { header: 'X-Obo' } }) }));
    expect(error).toBeInstanceOf(IllegalStateError);
    expect(error).toMatchObject({ code: 'connector.on_behalf_of.missing' });
    expect(fixture.requests).toHaveLength(0);
  });

  it('redacts the assertion from an answer that echoes it, as it does the secret', async () => {
    fixture.respond('/api/echoing', { body: { youSent: ASSERTION } });
    const response = await callConnector(call({ method: 'POST', path: '/echoing', body: {} }, { config: config({ onBehalfOf: { header: 'X-Obo' } }), assertion: ASSERTION }));
    expect(response.body).toEqual({ youSent: '[redacted]' });
  });
});
