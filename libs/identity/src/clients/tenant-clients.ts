import { randomBytes } from 'node:crypto';
import type { CommandMetadata } from '#core';
import type { GrantJournal } from '../grants/grant-journal.js';
import type { ArtifactStore } from '../store/identity-store.port.js';
import type { ClientDirectory } from './client-directory.js';
import { clientMetadataOf, parseClientRegistration, type ScopeRules } from './client-registration.js';
import type { ClientSecretSeal } from './client-secret-seal.js';
import type { ClientView } from './client-view.js';

export interface TenantClient extends ClientView {
  registeredAt: string;
  /** Disabled by a tenant admin: found by nobody, its tokens refused. */
  disabled: boolean;
}

/** What registering answers: the client, and a service principal's secret, shown this once only. */
export interface NewClient extends TenantClient {
  clientSecret?: string;
}

export interface TenantClientsDeps {
  artifacts: ArtifactStore;
  clientSecrets: ClientSecretSeal;
  directory: ClientDirectory;
  journal: GrantJournal;
  /** The platform's scopes, for checking what a client may hold. */
  knownScopes: readonly string[];
  isDisabled(clientId: string): boolean;
  clock?: () => number;
}

/**
 * A tenant's own clients, registered by its admins (REST, or the CLI for operators): service
 * principals that act for the tenant with client credentials, and interactive apps people sign in
 * to. Each is bound to the tenant (`tenant_id`) and recorded as ClientRegistered (method admin)
 * in the tenant's `client-<id>` stream. The secret is sealed before it is stored, and returned once.
 */
export class TenantClients {
  private readonly clock: () => number;

  constructor(private readonly deps: TenantClientsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * @param mayGive whether the registrant may hand a scope on (over REST: its token holds it).
   * @throws ValidationError / ForbiddenError (`identity.client.*`) with nothing stored or appended.
   */
  async register(caller: CommandMetadata, input: Parameters<typeof parseClientRegistration>[0], mayGive: ScopeRules['mayGive']): Promise<NewClient> {
    const registration = parseClientRegistration(input, { known: new Set(this.deps.knownScopes), mayGive });
    const clientId = `${registration.kind === 'service' ? 'svc' : 'app'}-${randomBytes(16).toString('base64url')}`;
    const clientSecret = registration.kind === 'service' ? randomBytes(32).toString('base64url') : undefined;
    const metadata = clientMetadataOf(caller.tenantId, registration, { clientId, ...(clientSecret !== undefined && { clientSecret }) });
    await this.deps.artifacts.upsert('Client', clientId, await this.deps.clientSecrets.seal(metadata), undefined);
    try {
      await this.deps.journal.record(
        { tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId, tool: caller.tool ?? 'clients', correlationId: caller.correlationId },
        { type: 'ClientRegistered', data: { clientId, clientName: registration.name, method: 'admin', redirectUris: registration.redirectUris, grantTypes: metadata.grant_types as string[], scopes: registration.scopes } },
      );
    } catch (error) {
      // No client without its trail.
      await this.deps.artifacts.destroy('Client', clientId);
      throw error;
    }
    const view = (await this.deps.directory.find(clientId))!;
    return { ...view, registeredAt: new Date(this.clock()).toISOString(), disabled: false, ...(clientSecret !== undefined && { clientSecret }) };
  }

  async list(tenantId: string): Promise<TenantClient[]> {
    return (await this.deps.directory.ofTenant(tenantId)).map((client) => ({ ...client, disabled: this.deps.isDisabled(client.clientId) }));
  }
}
