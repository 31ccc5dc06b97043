import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, JsonValue } from '#core';
import { PersonalDataVault } from '#keys';
import { ProjectorRegistry, VIEW_DB, type Projector, type ViewDb } from '#projections';
import { assertMayUseScope } from '../memory-access.js';
import { memoryOwner, memoryStreamId, type MemoryScope } from '../memory-stream.js';
import { MEMORY_ITEMS_TABLE, memoryItemsProjection } from './memory-items.projection.js';

/**
 * Reads of memory, from the memory_items view, as the caller: its tenant, and its own user
 * namespace unless the scope is tenant-wide. Reads wait until the view holds everything the
 * tenant's log held when they started, so an agent reads its own writes.
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

  private async query<Row extends object>(metadata: CommandMetadata, scope: MemoryScope, select: string, namespace: string, more: string, params: unknown[]): Promise<Row[]> {
    assertMayUseScope(metadata, scope);
    await this.projector.caughtUpWith(metadata.tenantId);
    return this.db.forTenant(metadata.tenantId).all<Row>(
      `${select} FROM ${MEMORY_ITEMS_TABLE} WHERE tenant_id = ? AND scope = ? AND owner = ? AND namespace = ? ${more}`,
      [metadata.tenantId, scope, memoryOwner(scope, metadata.userId), namespace, ...params],
    );
  }
}
