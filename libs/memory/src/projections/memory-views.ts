import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, JsonValue } from '#core';
import { PersonalDataVault } from '#keys';
import { VIEW_DB, type Projector, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { assertMayUseScope } from '../memory-access.js';
import { memoryOwner, memoryStreamId, type MemoryScope } from '../memory-stream.js';
import { retentionCutoff } from '../retention/memory-retention.js';
import { MEMORY_ITEMS_TABLE, MEMORY_RETENTION_TABLE, memoryItemsProjection } from './memory-items.projection.js';

/** An item past its tenant's retention, as the sweep finds it. */
export interface ExpiredMemoryItem {
  tenantId: string;
  scope: MemoryScope;
  owner: string;
  namespace: string;
  key: string;
  fingerprint: string;
  retentionDays: number;
}

/**
 * Reads of memory, from the memory_items view, as the caller: its tenant, and its own user
 * namespace unless the scope is tenant-wide. Reads wait until the view holds everything the
 * tenant's log held when they started, so an agent reads its own writes. Items past the tenant's
 * retention are not shown, even before the sweep has expired them in the log.
 */
@Injectable()
export class MemoryViews {
  private readonly projector: Projector;

  constructor(
    registry: ProjectorRegistry,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    private readonly personalData: PersonalDataVault,
  ) {
    this.projector = registry.register(memoryItemsProjection);
  }

  /** The item's value, opened: the view holds it sealed; erased personal data reads as ERASED. */
  async get(metadata: CommandMetadata, scope: MemoryScope, namespace: string, key: string): Promise<JsonValue | undefined> {
    const [row] = await this.query<{ value: string }>(metadata, scope, 'SELECT value', namespace, 'AND item_key = ?', [key]);
    if (row === undefined) return undefined;
    return this.personalData.open(metadata.tenantId, JSON.parse(row.value) as JsonValue, memoryStreamId(scope, metadata.userId, namespace));
  }

  /** Keys in UTF-16 code-unit order (sorted here: SQL collations differ between the stores). */
  async keys(metadata: CommandMetadata, scope: MemoryScope, namespace: string): Promise<string[]> {
    const rows = await this.query<{ item_key: string }>(metadata, scope, 'SELECT item_key', namespace, '', []);
    return rows.map((row) => row.item_key).sort();
  }

  /** Items past their tenant's retention at `now`, across tenants (a system read for the sweep), at most `limit`. */
  async expired(now: Date, limit: number): Promise<ExpiredMemoryItem[]> {
    const policies = await this.db.all<{ tenant_id: string; days: number | string }>(`SELECT tenant_id, days FROM ${MEMORY_RETENTION_TABLE} WHERE days IS NOT NULL ORDER BY tenant_id`);
    const found: ExpiredMemoryItem[] = [];
    for (const policy of policies) {
      if (found.length >= limit) break;
      const days = Number(policy.days);
      const rows = await this.db.all<{ scope: MemoryScope; owner: string; namespace: string; item_key: string; fingerprint: string }>(
        `SELECT scope, owner, namespace, item_key, fingerprint FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`,
        [policy.tenant_id, retentionCutoff(days, now), limit - found.length],
      );
      for (const row of rows) {
        found.push({ tenantId: policy.tenant_id, scope: row.scope, owner: row.owner, namespace: row.namespace, key: row.item_key, fingerprint: row.fingerprint, retentionDays: days });
      }
    }
    return found;
  }

  private async retentionOf(tenantId: string): Promise<number | null> {
    const [row] = await this.db.forTenant(tenantId).all<{ days: number | string | null }>(`SELECT days FROM ${MEMORY_RETENTION_TABLE} WHERE tenant_id = ?`, [tenantId]);
    return row?.days === undefined || row.days === null ? null : Number(row.days);
  }

  private async query<Row extends object>(metadata: CommandMetadata, scope: MemoryScope, select: string, namespace: string, more: string, params: unknown[]): Promise<Row[]> {
    assertMayUseScope(metadata, scope);
    await this.projector.caughtUpWith(metadata.tenantId);
    const days = await this.retentionOf(metadata.tenantId);
    const cutoff = days === null ? '' : retentionCutoff(days, new Date());
    return this.db.forTenant(metadata.tenantId).all<Row>(
      `${select} FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND scope = ? AND owner = ? AND namespace = ? AND updated_at >= ? ${more}`,
      [metadata.tenantId, scope, memoryOwner(scope, metadata.userId), namespace, cutoff, ...params],
    );
  }
}
