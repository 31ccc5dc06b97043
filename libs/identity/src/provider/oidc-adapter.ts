import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientSecretSeal } from '../clients/client-secret-seal.js';
import type { ArtifactStore } from '../store/identity-store.port.js';

export interface AdapterDeps {
  artifacts: ArtifactStore;
  /** Client secrets are sealed on the way in and opened on the way out. */
  clientSecrets: ClientSecretSeal;
  /** The library destroyed a grant (it revokes by destroying): called before the row goes. */
  onGrantDestroyed(grantId: string, grant: Record<string, unknown> | undefined): Promise<void>;
  /** A client disabled everywhere is found by nobody: its token requests and sign-ins fail as an unknown client's. */
  isClientDisabled(clientId: string): boolean;
}

/**
 * Models whose id is the bearer value a client presents (codes, refresh tokens, registration
 * access tokens): stored under a SHA-256 of it and without the `jti` that repeats it, so a copy of
 * the identity database holds nothing a caller could present. Found by id only, so the id given
 * to `find` restores `jti`.
 */
const BEARER_MODELS = new Set(['AuthorizationCode', 'RefreshToken', 'AccessToken', 'ClientCredentials', 'RegistrationAccessToken']);

function storedId(model: string, id: string): string {
  return BEARER_MODELS.has(model) ? createHash('sha256').update(id).digest('base64url') : id;
}

/**
 * oidc-provider's storage adapter over our identity store: the library asks for one adapter per
 * model ('Session', 'AuthorizationCode', 'RefreshToken', 'Grant', 'Client', ...). `consume` marks
 * rather than deletes, which is what lets the library see a rotated refresh token presented again
 * (and revoke the whole grant, RFC 9700 §4.14.2).
 */
export function oidcAdapterClass(deps: AdapterDeps): new (model: string) => Adapter {
  const { artifacts } = deps;
  const logger = new Logger('OidcAdapter');
  return class StoreAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      let stored: Record<string, unknown> = { ...payload };
      if (BEARER_MODELS.has(this.model)) delete stored.jti;
      if (this.model === 'Client') stored = await deps.clientSecrets.seal(stored);
      await artifacts.upsert(this.model, storedId(this.model, id), stored, expiresIn ? Date.now() + expiresIn * 1000 : undefined);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const found = asPayload(await artifacts.find(this.model, storedId(this.model, id)));
      if (!found) return undefined;
      if (BEARER_MODELS.has(this.model)) return { ...found, jti: id };
      if (this.model !== 'Client') return found;
      if (deps.isClientDisabled(id)) return undefined;
      try {
        return (await deps.clientSecrets.open(found as Record<string, unknown>)) as AdapterPayload;
      } catch (error) {
        // Its tenant's keys were destroyed (a purge): the client can no longer prove who it is.
        logger.warn(`client ${id}: its secret does not open (${(error as Error).name})`);
        return undefined;
      }
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return asPayload(await artifacts.findByUserCode(this.model, userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return asPayload(await artifacts.findByUid(this.model, uid));
    }

    async consume(id: string): Promise<void> {
      await artifacts.consume(this.model, storedId(this.model, id));
    }

    async destroy(id: string): Promise<void> {
      // The library destroys a grant only to revoke it (refresh-token reuse, RFC 7009, logout):
      // the revocation must reach every instance, so it is recorded before the grant row goes.
      if (this.model === 'Grant') await deps.onGrantDestroyed(id, (await artifacts.find(this.model, id))?.payload);
      await artifacts.destroy(this.model, storedId(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await artifacts.revokeByGrantId(this.model, grantId);
    }
  };
}

function asPayload(stored: { payload: Record<string, unknown>; consumed: boolean } | undefined): AdapterPayload | undefined {
  if (!stored) return undefined;
  return { ...stored.payload, ...(stored.consumed && { consumed: true }) } as AdapterPayload;
}
