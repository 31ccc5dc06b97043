import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importJWK, SignJWT } from 'jose';
import { buildOnBehalfOfClaims, JoseAssertionSigner } from '#connectors';
import { assertionKey } from './support/assertion-keys.js';
import { startDemoDownstream, type DemoDownstream } from './support/demo-downstream.js';
import { until } from './support/until.js';

const ISSUER = 'https://ledgerline.example.com';
const context = { tenantId: 'acme', userId: 'alice', clientId: 'claude', scopes: ['runs:read'], runId: 'run-1', stepId: 'pay' };

/** The demo downstream as a tenant would run it against the platform: it trusts the keys of a JWKS file and one issuer. */
describe('the demo downstream with on-behalf-of assertions required', () => {
  const key = assertionKey('k-1');
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-demo-downstream-'));
  let downstream: DemoDownstream;

  beforeAll(async () => {
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
    downstream = await startDemoDownstream({ DEMO_OBO_JWKS_FILE: join(dir, 'jwks.json'), DEMO_OBO_ISSUER: ISSUER });
  });
  afterAll(async () => {
    await downstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const assertion = (change: { signWith?: typeof key; now?: number; audience?: string } = {}): Promise<string> => {
    const claims = buildOnBehalfOfClaims({ issuer: ISSUER, audience: change.audience ?? downstream.url, context, now: change.now ?? Date.now(), jti: `j-${Math.random()}` });
    return new JoseAssertionSigner(ISSUER, () => (change.signWith ?? key).privateJwk).sign(claims);
  };
  const post = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${downstream.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"amount":5}' });

  it('answers a call with a valid assertion, saying whom it acted for', async () => {
    const response = await post({ 'Ledgerline-On-Behalf-Of': await assertion() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, received: { amount: 5 }, onBehalfOf: { sub: 'alice', tenant_id: 'acme', run_id: 'run-1' } });
    // Its log comes through a pipe: the line may arrive after the answer.
    await until(() => (/POST \/orders .*on-behalf-of=alice/.test(downstream.log()) ? true : undefined), 5000, 'the accepted call logged', 20);
  });

  it.each<[string, () => Promise<Record<string, string>>, string]>([
    ['a missing assertion', async () => ({}), 'missing'],
    ['a forged one (another key under the same kid)', async () => ({ 'Ledgerline-On-Behalf-Of': await assertion({ signWith: assertionKey('k-1') }) }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['an expired one', async () => ({ 'Ledgerline-On-Behalf-Of': await assertion({ now: Date.now() - 61_000 }) }), 'ERR_JWT_EXPIRED'],
    ['one for another audience', async () => ({ 'Ledgerline-On-Behalf-Of': await assertion({ audience: 'https://other.example.com' }) }), 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['an access token (typ at+jwt) in its place', async () => {
      const claims = buildOnBehalfOfClaims({ issuer: ISSUER, audience: downstream.url, context, now: Date.now(), jti: 'j-at' });
      return { 'Ledgerline-On-Behalf-Of': await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k-1', typ: 'at+jwt' }).sign(await importJWK(key.privateJwk, 'ES256')) };
    }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['an assertion in the wrong header', async () => ({ 'X-Assertion': await assertion() }), 'missing'],
  ])('refuses %s with 401 and a JSON error saying why', async (_, headers, reason) => {
    const response = await post(await headers());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ error: 'invalid_assertion', reason });
    await until(() => (downstream.log().includes(`POST /orders refused: ${reason}`) ? true : undefined), 5000, `the refusal (${reason}) logged`, 20);
  });

  it('asks no assertion of its readiness probe', async () => {
    expect((await fetch(`${downstream.url}/ready`)).status).toBe(200);
  });
});
