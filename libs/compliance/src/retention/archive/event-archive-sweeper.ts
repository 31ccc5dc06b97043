import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { VIEW_DB, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { EXPORT_SIGNING_KEY, type ExportSigner } from '../../signing/export-signing-key.js';
import { EVENT_RETENTION_TABLE, eventRetentionProjection } from '../event-retention.projection.js';
import { archiveTenant, type ArchiveTenantResult } from './archive-tenant.js';
import type { ClosedStreamRule } from './closed-streams.js';

export const EVENT_ARCHIVE_SETTINGS = Symbol('EVENT_ARCHIVE_SETTINGS');

export interface EventArchiveSettings {
  /** How often the sweep archives every tenant's closed streams past its retention; 0 turns it off in this process. */
  sweepMs: number;
  /** Archive files go to `<directory>/<tenant>/`; it must be as durable as the store (the archived events live only there). */
  directory: string;
  rules: readonly ClosedStreamRule[];
}

/**
 * Runs `archiveTenant` for every tenant with an event retention, on an interval. One process at a
 * time sweeps (the view database's leadership); a missed turn loses nothing, and a run cut short
 * is finished by the next one. A failing tenant is reported and the others go on.
 */
@Injectable()
export class EventArchiveSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<ArchiveTenantResult[]> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(EXPORT_SIGNING_KEY) private readonly signer: ExportSigner,
    @Inject(EVENT_ARCHIVE_SETTINGS) private readonly settings: EventArchiveSettings,
    private readonly registry: ProjectorRegistry,
  ) {
    registry.register(eventRetentionProjection);
  }

  onApplicationBootstrap(): void {
    if (this.settings.sweepMs <= 0) return;
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.settings.sweepMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass over the tenants with a retention; the results of the tenants that had something to do. */
  async sweep(now = new Date()): Promise<ArchiveTenantResult[]> {
    const leadership = await this.db.tryLead('event-archive').catch(() => undefined);
    if (!leadership) return [];
    try {
      const tenants = await this.db.all<{ tenant_id: string }>(`SELECT tenant_id FROM ${EVENT_RETENTION_TABLE} WHERE days IS NOT NULL ORDER BY tenant_id`);
      const results: ArchiveTenantResult[] = [];
      for (const { tenant_id: tenantId } of tenants) {
        try {
          const result = await archiveTenant({
            store: this.store, views: this.db, projections: this.registry.projections(), rules: this.settings.rules, signer: this.signer, now,
            metadata: { tenantId, userId: 'ledgerline:retention', clientId: 'ledgerline', scopes: [], correlationId: `retention:${now.toISOString()}`, tool: 'event retention' },
            file: join(this.settings.directory, tenantId, `${now.toISOString().replace(/[:.]/g, '-')}.ndjson.gz`),
          });
          if (result.archive !== null || result.finished.length > 0) results.push(result);
        } catch (error) {
          process.stderr.write(`event archive of tenant ${tenantId} failed: ${String(error)}\n`);
        }
      }
      return results;
    } finally {
      await leadership.release();
    }
  }
}
