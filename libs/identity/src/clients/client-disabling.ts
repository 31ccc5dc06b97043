import { ConflictError, NotFoundError, ValidationError, type CommandMetadata } from '#core';
import type { AuthorizationServer } from '../authorization-server.service.js';
import type { ClientBlock } from '../grants/grant.events.js';
import { revocationSubject } from '../grants/revocation-subjects.js';
import type { RevokedGrants } from '../grants/revoked-grants.js';
import type { ArtifactPosition } from '../store/identity-store.port.js';
import type { ClientDirectory } from './client-directory.js';

const CLIENT_ID = /^[\x21-\x7e]{1,2048}$/;
const REASON = /^[^\p{Cc}]{1,500}$/u;
const REVOKE_PAGE = 100;

export interface DisabledClient {
  clientId: string;
  blocked: ClientBlock;
  /** The tenant's grants of it that were revoked (reason client_disabled). */
  grantsRevoked: number;
  disabledAt: string;
}

export interface ClientDisablingDeps {
  server: AuthorizationServer;
  directory: ClientDirectory;
  revoked: RevokedGrants;
  clock?: () => number;
}

/**
 * A tenant admin disables a client for the tenant, and only for it. A client registered for the
 * tenant is blocked outright (`client:<id>`: found by nobody, every token of it refused, service
 * principals included). A client anyone may use (self-registered, or a metadata document) is
 * refused in this tenant only (`tenant-client:<tenant>:<id>`: its tokens for the tenant's people
 * refused, its consent page refused there); other tenants keep using it. Either way every grant
 * of the tenant to it is revoked (client_disabled). Another tenant's client is not found.
 */
export class ClientDisabling {
  private readonly clock: () => number;

  constructor(private readonly deps: ClientDisablingDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** @throws ValidationError (invalid_id, invalid_reason), NotFoundError, ConflictError (already_disabled): nothing appended. */
  async disable(caller: CommandMetadata, clientId: unknown, reason: unknown): Promise<DisabledClient> {
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) throw new ValidationError('identity.client.invalid_id', 'clientId: 1-2048 printable characters');
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!REASON.test(why)) throw new ValidationError('identity.client.invalid_reason', 'reason: 1-500 characters, no control characters');
    const blocked = await this.blockOf(caller.tenantId, clientId);
    const subject = blocked === 'everywhere' ? revocationSubject.client(clientId) : revocationSubject.clientInTenant(caller.tenantId, clientId);
    if (!(await this.deps.revoked.revoke(subject, caller.tenantId, this.clock()))) {
      throw new ConflictError('identity.client.already_disabled', `client ${clientId} is disabled already`, { clientId });
    }
    const grantsRevoked = await this.revokeGrantsOf(caller, clientId);
    await this.deps.server.journal.record(
      { tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId, tool: caller.tool ?? 'client_disable', correlationId: caller.correlationId },
      { type: 'ClientDisabled', data: { clientId, reason: why, blocked, grantsRevoked } },
    );
    return { clientId, blocked, grantsRevoked, disabledAt: new Date(this.clock()).toISOString() };
  }

  private async blockOf(tenantId: string, clientId: string): Promise<ClientBlock> {
    const client = await this.deps.directory.find(clientId);
    if (client?.tenantId === tenantId) return 'everywhere';
    // A metadata document's client is fetched, never stored: its URL is its identity.
    if (client?.tenantId === null || (!client && /^https:\/\//.test(clientId))) return 'this_tenant';
    throw new NotFoundError('identity.client.not_found', `no client ${clientId}`, { clientId });
  }

  private async revokeGrantsOf(caller: CommandMetadata, clientId: string): Promise<number> {
    let revoked = 0;
    let after: ArtifactPosition | undefined;
    do {
      const page = await this.deps.server.listGrants(caller.tenantId, { clientId, limit: REVOKE_PAGE, ...(after && { after }) });
      for (const grant of page.grants) {
        await this.deps.server.revokeGrant(grant, { by: caller.userId, reason: 'client_disabled', tool: caller.tool ?? 'client_disable', correlationId: caller.correlationId });
        revoked++;
      }
      after = page.next;
    } while (after);
    return revoked;
  }
}
