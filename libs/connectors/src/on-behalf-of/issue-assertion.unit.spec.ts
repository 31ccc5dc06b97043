import { describe, expect, it } from '@jest/globals';
import { parseConnectorConfig, type ConnectorConfigInput } from '../http/connector-definition.js';
import type { AssertionSigner } from './assertion-signer.port.js';
import { issueAssertion } from './issue-assertion.js';
import type { OnBehalfOfClaims, OnBehalfOfContext } from './on-behalf-of.claims.js';
import { OnBehalfOfSubjectMissingError, OnBehalfOfUnavailableError } from './on-behalf-of.errors.js';

const context: OnBehalfOfContext = { tenantId: 'acme', userId: 'alice', clientId: 'claude', scopes: ['runs:read'], runId: 'run-1', stepId: 'pay' };

function connector(change: Partial<ConnectorConfigInput> = {}): { name: string; config: ReturnType<typeof parseConnectorConfig> } {
  return { name: 'billing', config: parseConnectorConfig({ baseUrl: 'https://billing.example.com/api', allowedHosts: ['billing.example.com'], ...change }) };
}

/** Signs nothing: returns the claims it was given, so the test sees exactly what would be signed. */
const echoSigner = (signed: OnBehalfOfClaims[] = []): AssertionSigner => ({
  issuer: 'https://ledgerline.example.com',
  sign: async (claims) => {
    signed.push(claims);
    return `jwt-for-${claims.sub}`;
  },
});

describe('issueAssertion', () => {
  it('issues nothing for a connector that asks for no assertion, signer or not', async () => {
    expect(await issueAssertion(echoSigner(), { connector: connector(), context, now: 0, jti: 'j' })).toBeUndefined();
    expect(await issueAssertion(undefined, { connector: connector(), context: undefined, now: 0, jti: 'j' })).toBeUndefined();
  });

  it('signs the claims for the connector audience and keeps a record without the JWT', async () => {
    const signed: OnBehalfOfClaims[] = [];
    const issued = await issueAssertion(echoSigner(signed), { connector: connector({ onBehalfOf: { header: 'X-Obo' } }), context: { ...context, grantId: 'g-1' }, now: 5_000, jti: 'j-9' });
    expect(issued).toEqual({ jwt: 'jwt-for-alice', record: { userId: 'alice', clientId: 'claude', grantId: 'g-1', audience: 'https://billing.example.com', jti: 'j-9' } });
    expect(signed).toEqual([expect.objectContaining({ iss: 'https://ledgerline.example.com', aud: 'https://billing.example.com', sub: 'alice', iat: 5, exp: 65, jti: 'j-9' })]);
  });

  it('refuses, typed and before signing, when no signer is bound or nobody is recorded to act for', async () => {
    const asking = connector({ onBehalfOf: { header: 'X-Obo', audience: 'urn:billing' } });
    await expect(issueAssertion(undefined, { connector: asking, context, now: 0, jti: 'j' })).rejects.toThrow(OnBehalfOfUnavailableError);
    await expect(issueAssertion(undefined, { connector: asking, context, now: 0, jti: 'j' })).rejects.toMatchObject({ code: 'connector.on_behalf_of.unavailable', kind: 'illegal_state' });
    const signed: OnBehalfOfClaims[] = [];
    await expect(issueAssertion(echoSigner(signed), { connector: asking, context: undefined, now: 0, jti: 'j' })).rejects.toThrow(OnBehalfOfSubjectMissingError);
    expect(signed).toEqual([]);
  });
});
