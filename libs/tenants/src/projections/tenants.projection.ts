import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { PLATFORM_TENANT, type TenantEvent } from '../tenant.events.js';

export const TENANTS_TABLE = 'tenants';

const REGISTRY_EVENTS = new Set<string>(['TenantCreated', 'TenantSuspended', 'TenantResumed']);

/**
 * The tenant registry as a table (rows belong to the platform tenant; tenant_id keeps RLS uniform).
 * `status` is what the suspension check reads on every authenticated call.
 */
export const tenantsProjection: Projection = {
  name: 'tenants',
  version: 2,
  tables: {
    [TENANTS_TABLE]: `CREATE TABLE ${TENANTS_TABLE} (
      tenant_id TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT,
      status TEXT NOT NULL,
      suspended_at TEXT,
      reason TEXT,
      PRIMARY KEY (tenant_id, id))`,
  },
  handles: (event) => event.tenantId === PLATFORM_TENANT && REGISTRY_EVENTS.has(event.type),
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const tenantEvent = event as unknown as TenantEvent;
    switch (tenantEvent.type) {
      case 'TenantCreated':
        await tx.run(
          `INSERT INTO ${TENANTS_TABLE} (tenant_id, id, name, created_at, created_by, status) VALUES (?, ?, ?, ?, ?, 'active') ON CONFLICT (tenant_id, id) DO NOTHING`,
          [PLATFORM_TENANT, tenantEvent.data.tenantId, tenantEvent.data.name, event.recordedAt, typeof event.metadata.userId === 'string' ? event.metadata.userId : null],
        );
        return;
      case 'TenantSuspended':
        await tx.run(`UPDATE ${TENANTS_TABLE} SET status = 'suspended', suspended_at = ?, reason = ? WHERE tenant_id = ? AND id = ?`, [
          event.recordedAt, tenantEvent.data.reason, PLATFORM_TENANT, tenantEvent.data.tenantId,
        ]);
        return;
      case 'TenantResumed':
        await tx.run(`UPDATE ${TENANTS_TABLE} SET status = 'active', suspended_at = NULL, reason = NULL WHERE tenant_id = ? AND id = ?`, [PLATFORM_TENANT, tenantEvent.data.tenantId]);
        return;
      default: {
        const unexpected: never = tenantEvent;
        return unexpected;
      }
    }
  },
};
