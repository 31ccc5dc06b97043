import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { TokenBuckets } from '#core';
import { inSpan, SpanKind } from '#observability/nest';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import { callConnector, type ConnectorConfig, type ConnectorEgress, type ConnectorRequest, type ConnectorResponse } from '../http/index.js';
import type { DryConnector } from './dry-call.js';
import { SecretVault } from '#keys';
import { ConnectorNotFoundError, SecretVersionUnavailableError } from '../connector/connector.errors.js';
import { connectorStreamId, secretContext } from '../connector/connector-stream.js';
import { connectorFold } from '../connector/connector.decider.js';
import type { ConnectorState } from '../connector/connector.state.js';
import { ASSERTION_SIGNER, type AssertionSigner } from '../on-behalf-of/assertion-signer.port.js';
import { issueAssertion, type IssuedAssertion } from '../on-behalf-of/issue-assertion.js';
import type { OnBehalfOfContext } from '../on-behalf-of/on-behalf-of.claims.js';

/** A connector ready to call: its configuration and, opened for this call only, the secret version the run pinned. */
export interface PreparedConnector {
  tenantId: string;
  name: string;
  config: ConnectorConfig;
  secret: string | undefined;
}

/**
 * The one door out of the platform to tenants' systems. Secrets are opened at call time and
 * live no longer than the call; each tenant's connector has its own outbound token bucket, so
 * one tenant's traffic never spends another's budget.
 */
/** The egress every connector call of this process gets (ConnectorsModule.forRoot). */
export const CONNECTOR_EGRESS = Symbol('CONNECTOR_EGRESS');

@Injectable()
export class ConnectorGateway {
  private readonly buckets = new TokenBuckets({ ratePerSec: 10, burst: 10 });

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: SecretVault,
    @Inject(CONNECTOR_EGRESS) private readonly egress: ConnectorEgress,
    @Optional() @Inject(ASSERTION_SIGNER) private readonly signer?: AssertionSigner,
  ) {}

  /** The secret version a run starting now pins (0 when the connector has no secret), or not found. */
  async currentSecretVersion(tenantId: string, name: string): Promise<number> {
    const state = await this.load(tenantId, name);
    if (state.status !== 'registered') throw new ConnectorNotFoundError(name);
    return state.currentSecretVersion;
  }

  async prepare(tenantId: string, name: string, secretVersion: number): Promise<PreparedConnector> {
    const state = await this.load(tenantId, name);
    if (state.status !== 'registered') throw new ConnectorNotFoundError(name);
    const config = state.config as unknown as ConnectorConfig;
    if (secretVersion === 0) return { tenantId, name, config, secret: undefined };
    const sealed = state.liveSecrets.get(secretVersion);
    if (!sealed) throw new SecretVersionUnavailableError(name, secretVersion);
    return { tenantId, name, config, secret: await this.vault.open(tenantId, sealed, secretContext(name, secretVersion)) };
  }

  /** 0 when the connector's outbound budget allows a call now (and spends it), else how long to wait. */
  takeCallSlot(connector: PreparedConnector): number {
    const { perSecond, burst } = connector.config.rateLimit;
    const taken = this.buckets.tryTake(`${connector.tenantId}\u0000${connector.name}`, 1, { ratePerSec: perSecond, burst });
    return taken.ok ? 0 : taken.retryAfterMs;
  }

  /**
   * A connector as a dry run sees it (DryConnector, rendered by renderDryCall): the outbound
   * bucket peeked at, not spent, since a dry run must not use up a live run's budget. A connector
   * that is gone, needs a secret none is stored for, or asks for an assertion this process cannot
   * sign, is refused in the rendering as prepare, assertionFor and the call would.
   */
  async dryConnector(tenantId: string, name: string): Promise<DryConnector> {
    const state = await this.load(tenantId, name);
    if (state.status !== 'registered') return { name, registered: false };
    const config = state.config as unknown as ConnectorConfig;
    const peeked = this.buckets.peek(`${tenantId}\u0000${name}`, 1, { ratePerSec: config.rateLimit.perSecond, burst: config.rateLimit.burst });
    return {
      name, registered: true, config, hasSecret: state.currentSecretVersion !== 0, canSign: this.signer !== undefined,
      rate: peeked.ok ? { heldBack: false, retryAfterMs: 0 } : { heldBack: true, retryAfterMs: peeked.retryAfterMs },
    };
  }

  /** The egress connector calls get: a plan rendered apart (a shadow comparison) checks against the same networks. */
  get callEgress(): ConnectorEgress {
    return this.egress;
  }

  /**
   * The on-behalf-of assertion a call to this connector must carry (a fresh jti each time), or
   * undefined when it asks for none; refused (typed) when it asks and none can be made.
   */
  assertionFor(connector: PreparedConnector, context: OnBehalfOfContext | undefined): Promise<IssuedAssertion | undefined> {
    return issueAssertion(this.signer, { connector, context, now: Date.now(), jti: randomUUID() });
  }

  /** A CLIENT span per call (method, host, connector; never the path, query or body), whose context the request carries as `traceparent`. */
  call(connector: PreparedConnector, request: ConnectorRequest, idempotencyKey: string, signal?: AbortSignal, assertion?: IssuedAssertion): Promise<ConnectorResponse> {
    const attributes = { 'http.request.method': request.method, 'server.address': hostOf(connector.config.baseUrl), 'ledgerline.connector': connector.name, 'ledgerline.tenant.id': connector.tenantId };
    return inSpan('connector.call', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const response = await callConnector({ config: connector.config, secret: connector.secret, assertion: assertion?.jwt, request, idempotencyKey, signal, egress: this.egress });
      span.setAttribute('http.response.status_code', response.status);
      return response;
    });
  }

  /** Every call reads the connector: from its cached state plus the tail of its stream. */
  private async load(tenantId: string, name: string): Promise<ConnectorState> {
    return (await loadStream(this.store, tenantId, connectorStreamId(name), connectorFold)).state;
  }
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return 'invalid';
  }
}
