import type { EventStore, RecordedEvent } from '#event-store';
import { PLATFORM_TENANT, type TenantEvent } from '../tenant.events.js';
import type { TenantView } from './list-tenants/list-tenants.query.js';

/**
 * The registry read straight from the log (what the tenants view holds, without needing the view
 * to be current): for the ops CLI, which may run while no platform keeps the views.
 */
export async function readTenantRegistry(store: EventStore): Promise<TenantView[]> {
  const tenants = new Map<string, TenantView>();
  for await (const batch of store.readAll({ tenantId: PLATFORM_TENANT })) {
    for (const recorded of batch) {
      const event = recorded as RecordedEvent & TenantEvent;
      const known = tenants.get(event.data.tenantId);
      switch (event.type) {
        case 'TenantCreated':
          if (!known) tenants.set(event.data.tenantId, { id: event.data.tenantId, name: event.data.name, createdAt: event.recordedAt, createdBy: typeof event.metadata.userId === 'string' ? event.metadata.userId : null, status: 'active', suspendedAt: null, reason: null });
          break;
        case 'TenantSuspended':
          if (known) Object.assign(known, { status: 'suspended', suspendedAt: event.recordedAt, reason: event.data.reason });
          break;
        case 'TenantResumed':
          if (known) Object.assign(known, { status: 'active', suspendedAt: null, reason: null });
          break;
        default:
          break;
      }
    }
  }
  return [...tenants.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
