import { Logger } from '@nestjs/common';
import type { TenantAccess } from '#auth';
import type { EventStore } from '#event-store';
import { FEDERATED_CALLBACK_PATH, type FederatedResult, type FederatedSignIn, type FederatedStart } from '../interactions/federated-sign-in.js';
import type { AccountStore, ArtifactStore } from '../store/identity-store.port.js';
import { mapClaims } from './claim-mapping.js';
import { PENDING_SECONDS, PendingSignIns } from './pending-sign-ins.js';
import { TenantDirectory } from './tenant-directory.js';
import type { UpstreamProvider } from './upstream-provider.js';
import { UpstreamProtocol, UpstreamSignInError } from './upstream-protocol.js';

export interface UpstreamSignInDeps {
  providers: readonly UpstreamProvider[];
  /** The platform's public origin: the callback is `<issuer>/interaction/callback/oidc`. */
  issuer: string;
  artifacts: ArtifactStore;
  accounts: AccountStore;
  events: EventStore;
  tenantAccess: TenantAccess | undefined;
}

/**
 * Sign-in through the configured providers: sends the browser upstream with a pending sign-in in
 * the identity store, and on its return admits the verified person to a tenant that exists, is not
 * suspended, and has no local account of that name (a provider must not take over a password
 * account).
 */
export class UpstreamSignIn implements FederatedSignIn {
  private readonly protocol: UpstreamProtocol;
  private readonly pending: PendingSignIns;
  private readonly tenants: TenantDirectory;
  private readonly logger = new Logger('UpstreamSignIn');

  constructor(private readonly deps: UpstreamSignInDeps) {
    this.protocol = new UpstreamProtocol(new URL(FEDERATED_CALLBACK_PATH, deps.issuer).href);
    this.pending = new PendingSignIns(deps.artifacts);
    this.tenants = new TenantDirectory(deps.events);
  }

  buttons(): ReadonlyArray<{ id: string; label: string }> {
    return this.deps.providers.map(({ id, label }) => ({ id, label }));
  }

  async start(interactionUid: string, providerId: string, options: { maxAgeSeconds?: number } = {}): Promise<FederatedStart | undefined> {
    const provider = this.providerOf(providerId);
    if (!provider) return undefined;
    const { checks, binding } = await this.pending.begin(interactionUid, provider.id, options.maxAgeSeconds);
    const location = await this.protocol.authorizationUrl(provider, checks);
    return { location, binding: { ...binding, maxAgeSeconds: PENDING_SECONDS } };
  }

  async complete(response: URLSearchParams, cookieOf: (name: string) => string | undefined): Promise<FederatedResult> {
    const state = response.get('state');
    const pending = state ? await this.pending.take(state, cookieOf) : undefined;
    const provider = pending && this.providerOf(pending.providerId);
    if (!pending || !provider) return { ok: false, reason: 'unknown_state' };
    const context = { interactionUid: pending.interactionUid, providerLabel: provider.label };
    let claims: Record<string, unknown>;
    try {
      claims = await this.protocol.verifiedClaims(provider, response, pending.checks);
    } catch (error) {
      if (!(error instanceof UpstreamSignInError)) throw error;
      this.logger.warn(`upstream sign-in through ${provider.id} failed: ${error.message}`);
      return { ok: false, reason: `upstream_${error.failure}`, ...context };
    }
    const mapped = mapClaims(provider, claims);
    if (!mapped.ok) return { ok: false, reason: mapped.reason, userId: mapped.userId, ...context };
    const { tenantId, userId } = mapped;
    const status = await this.tenants.statusOf(tenantId);
    if (status === undefined) return { ok: false, reason: 'unknown_tenant', userId, ...context };
    const refused = { ok: false as const, userId, tenantId, ...context };
    if (status === 'suspended' || !(await this.mayAct(tenantId))) return { ...refused, reason: 'suspended' };
    if (await this.deps.accounts.get(tenantId, userId)) return { ...refused, reason: 'local_account' };
    return { ok: true, tenantId, userId, ...context };
  }

  private providerOf(id: string): UpstreamProvider | undefined {
    return this.deps.providers.find((provider) => provider.id === id);
  }

  private async mayAct(tenantId: string): Promise<boolean> {
    try {
      await this.deps.tenantAccess?.assertMayAct(tenantId);
      return true;
    } catch {
      return false;
    }
  }
}
