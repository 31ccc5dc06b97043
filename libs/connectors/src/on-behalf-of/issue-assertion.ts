import { onBehalfOfAudience, type ConnectorConfig } from '../http/connector-definition.js';
import type { AssertionSigner } from './assertion-signer.port.js';
import { buildOnBehalfOfClaims, type OnBehalfOfContext } from './on-behalf-of.claims.js';
import { OnBehalfOfSubjectMissingError, OnBehalfOfUnavailableError } from './on-behalf-of.errors.js';

/** What the log keeps of an assertion: on whose behalf, for which audience, which jti. Never the JWT. */
export interface OnBehalfOfRecord {
  userId: string;
  clientId: string;
  grantId?: string;
  audience: string;
  jti: string;
}

/** An assertion ready to send (callConnector puts it in the connector's header), and its record. */
export interface IssuedAssertion {
  /** The compact JWS: a credential, kept out of events and logs. */
  jwt: string;
  record: OnBehalfOfRecord;
}

export interface AssertionRequest {
  connector: { name: string; config: ConnectorConfig };
  /** Undefined when the call acts for nobody recorded: refused if the connector asks for an assertion. */
  context: OnBehalfOfContext | undefined;
  now: number;
  jti: string;
}

/**
 * The assertion a connector call must carry, or undefined when its connector asks for none. A
 * connector that asks is never called without one: no signer or nobody to act for is a typed,
 * non-retryable refusal before any network activity.
 */
export async function issueAssertion(signer: AssertionSigner | undefined, { connector, context, now, jti }: AssertionRequest): Promise<IssuedAssertion | undefined> {
  if (!connector.config.onBehalfOf) return undefined;
  if (!signer) throw new OnBehalfOfUnavailableError(connector.name);
  if (!context) throw new OnBehalfOfSubjectMissingError(connector.name);
  const audience = onBehalfOfAudience(connector.config);
  const jwt = await signer.sign(buildOnBehalfOfClaims({ issuer: signer.issuer, audience, context, now, jti }));
  const { userId, clientId, grantId } = context;
  return {
    jwt,
    record: { userId, clientId, ...(grantId !== undefined && { grantId }), audience, jti },
  };
}
