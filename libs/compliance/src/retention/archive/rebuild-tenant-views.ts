import type { EventStore, TenantId } from '#event-store';
import { LiveVersionMismatchError, ViewRebuild, type Projection, type ViewDb } from '#projections';

/**
 * Rebuilds the tenant's rows of every view from its log as it is now (tombstones skipped), online
 * (libs/projections rebuild), so views equal a rebuild after an archive. A view this database has
 * never built, or built at another version, is skipped: its projector builds it from the log anyway.
 */
export async function rebuildTenantViews(store: EventStore, views: ViewDb, projections: readonly Projection[], tenantId: TenantId): Promise<string[]> {
  const rebuilt: string[] = [];
  for (const projection of projections) {
    try {
      await new ViewRebuild(store, views, projection, { tenantId }).run();
      rebuilt.push(projection.name);
    } catch (error) {
      if (!(error instanceof LiveVersionMismatchError)) throw error;
    }
  }
  return rebuilt;
}
