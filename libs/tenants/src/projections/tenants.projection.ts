import type { RecordedEvent } from '#event-store';
import type { Projection, ViewSql } from '#projections';
import { PLATFORM_TENANT, type TenantEvent } from '../tenant.events.js';

export const TENANTS_TABLE = 'tenants';

/** The tenant registry as a table (rows belong to the platform tenant; tenant_id keeps RLS uniform). */
export const tenantsProjection: Projection = {
  name: 'tenants',
  version: 1,
  tables: {
    [TENANTS_TABLE]: `CREATE TABLE ${TENANTS_TABLE} (
      tenant_id TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT,
      PRIMARY KEY (tenant_id, id))`,
  },
  handles: (event) => event.tenantId === PLATFORM_TENANT && event.type === 'TenantCreated',
  async apply(tx: ViewSql, event: RecordedEvent): Promise<void> {
    const { data } = event as unknown as TenantEvent;
    await tx.run(
      `INSERT INTO ${TENANTS_TABLE} (tenant_id, id, name, created_at, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING`,
      [PLATFORM_TENANT, data.tenantId, data.name, event.recordedAt, typeof event.metadata.userId === 'string' ? event.metadata.userId : null],
    );
  },
};
