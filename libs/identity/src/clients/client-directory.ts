import type { ArtifactStore } from '../store/identity-store.port.js';
import { clientViewOf, type ClientView } from './client-view.js';
import { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME } from './console-client.js';

/** The most clients one tenant lists at once; a tenant registers its clients by hand. */
export const MAX_TENANT_CLIENTS = 500;

/** Read-only look-ups of stored clients, without their secrets (nothing here opens one). */
export class ClientDirectory {
  constructor(private readonly artifacts: ArtifactStore) {}

  async find(clientId: string): Promise<ClientView | undefined> {
    const stored = await this.artifacts.find('Client', clientId);
    return stored && clientViewOf(stored.payload);
  }

  /** The clients registered for a tenant, newest first, with when. */
  async ofTenant(tenantId: string): Promise<Array<ClientView & { registeredAt: string }>> {
    const rows = await this.artifacts.listByModel('Client', { accountPrefix: `${tenantId}:`, limit: MAX_TENANT_CLIENTS });
    return rows.flatMap((row) => {
      const view = clientViewOf(row.payload);
      return view?.tenantId === tenantId ? [{ ...view, registeredAt: new Date(row.createdAt).toISOString() }] : [];
    });
  }

  /** The names of these clients (null when unknown: a metadata document's, or one gone), one look-up each. */
  async namesOf(clientIds: Iterable<string>): Promise<Map<string, string | null>> {
    const names = new Map<string, string | null>();
    // The console is static in the provider's configuration, never in the store.
    for (const clientId of new Set(clientIds)) names.set(clientId, clientId === CONSOLE_CLIENT_ID ? CONSOLE_CLIENT_NAME : ((await this.find(clientId))?.name ?? null));
    return names;
  }
}
