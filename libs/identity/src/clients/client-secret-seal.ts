import { createHash } from 'node:crypto';
import { PLATFORM_TENANT } from '#core';
import type { SealedSecret, SecretVault } from '#keys';
import { isTenantId } from '#auth';

/** Where the sealed secret sits in a stored Client payload; the library never sees this name. */
const SEALED = 'll_client_secret_sealed';

/**
 * oidc-provider checks `client_secret` by comparing it with the one in the client's stored
 * metadata, so it needs the plaintext back; the identity store never holds it. Sealed under the
 * client's tenant (the platform tenant for self-registered clients), bound to the client id: a
 * sealed secret copied onto another client, or into another tenant, does not open.
 */
export class ClientSecretSeal {
  constructor(private readonly vault: SecretVault) {}

  /** The payload to store: `client_secret` replaced by its sealed form. */
  async seal(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { client_secret: secret, ...rest } = payload;
    if (typeof secret !== 'string') return payload;
    return { ...rest, [SEALED]: await this.vault.seal(tenantOf(rest), secret, contextOf(rest)) };
  }

  /** The payload the library reads: `client_secret` opened again. */
  async open(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { [SEALED]: sealed, ...rest } = payload;
    if (sealed === undefined) return payload;
    return { ...rest, client_secret: await this.vault.open(tenantOf(rest), sealed as SealedSecret, contextOf(rest)) };
  }
}

function tenantOf(payload: Record<string, unknown>): string {
  return isTenantId(payload.tenant_id) ? payload.tenant_id : PLATFORM_TENANT;
}

/** Client ids may be long: the context names a digest of the id (contexts are at most 256 printable characters). */
function contextOf(payload: Record<string, unknown>): string {
  return `identity-client-secret:${createHash('sha256').update(String(payload.client_id)).digest('base64url')}`;
}
