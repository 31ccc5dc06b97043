import { describe, expect, it } from '@jest/globals';
import { ConnectorCallError } from './connector-call.errors.js';
import { simulateConnectorResponse } from './simulated-response.js';

const request = { method: 'POST', url: 'https://billing.test/api/pay?api_key=%5Bsecret%5D' };

async function failureOf(status: number, headers: Record<string, string> = {}, body: unknown = null): Promise<ConnectorCallError> {
  try {
    await simulateConnectorResponse(request, { status, headers, body: body as never });
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorCallError);
    return error as ConnectorCallError;
  }
  throw new Error(`${status} was answered as a success`);
}

describe('simulateConnectorResponse', () => {
  it('answers a 2xx as the live call does: the body as declared, only the headers the live call keeps', async () => {
    const response = await simulateConnectorResponse(request, { status: 201, headers: { 'Content-Type': 'application/json', 'X-Other': '1', Location: '/pay/1' }, body: { id: 'p-1' } });
    expect(response).toEqual({ status: 201, headers: { 'content-type': 'application/json', location: '/pay/1' }, body: { id: 'p-1' }, durationMs: 0 });
  });

  it('classifies other statuses as the live call does: retryable 5xx, 408 and 429 with Retry-After; 4xx and redirects not', async () => {
    expect(await failureOf(503, {}, { error: 'down' })).toMatchObject({ code: 'connector.http_5xx', errorClass: 'server', retryable: true, status: 503, details: expect.objectContaining({ responseBody: '{"error":"down"}' }) });
    expect(await failureOf(429, { 'Retry-After': '2' })).toMatchObject({ code: 'connector.rate_limited', retryable: true, retryAfterMs: 2000 });
    expect(await failureOf(408)).toMatchObject({ code: 'connector.http_408', retryable: true });
    expect(await failureOf(422)).toMatchObject({ code: 'connector.http_4xx', retryable: false });
    expect(await failureOf(302, { Location: 'https://elsewhere.test' })).toMatchObject({ code: 'connector.redirect', retryable: false });
    // Errors name the target without the query, where a secret may sit.
    expect((await failureOf(500)).message).not.toContain('api_key');
  });
});
