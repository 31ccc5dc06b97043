import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { VIEW_DB, type ViewDb } from '#projections';
import { expireMemoryDecider } from '../memory.decider.js';
import { memoryStreamId } from '../memory-stream.js';
import { MemoryViews } from '../projections/memory-views.js';

export const MEMORY_SETTINGS = Symbol('MEMORY_SETTINGS');

export interface MemorySettings {
  /** How often the retention sweep looks for expired items; 0 turns it off in this process. */
  expirySweepMs: number;
}

const BATCH = 200;
const SWEEPER: CommandMetadata = { tenantId: '', userId: 'ledgerline:retention', clientId: 'ledgerline', scopes: [], correlationId: '', tool: 'memory retention' };

/**
 * Expires memory items past their tenant's retention by appending MemoryItemExpired, so the log
 * says when and why an item left. Reads already hide such items; the sweep only has to catch up
 * eventually, so a plain interval is enough (nothing is lost by a missed turn). One process at a
 * time sweeps (the view database's leadership), the others skip their turn.
 */
@Injectable()
export class MemoryExpirySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly db: ViewDb,
    @Inject(MEMORY_SETTINGS) private readonly settings: MemorySettings,
    private readonly views: MemoryViews,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.expirySweepMs <= 0) return;
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => (process.stderr.write(`memory retention sweep failed: ${String(error)}\n`), 0))
        .finally(() => (this.sweeping = undefined));
    }, this.settings.expirySweepMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass: expires what is past retention now; returns how many items it expired. */
  async sweep(now = new Date()): Promise<number> {
    const leadership = await this.db.tryLead('memory-expiry');
    if (!leadership) return 0;
    try {
      let expired = 0;
      for (const item of await this.views.expired(now, BATCH)) {
        const streamId = memoryStreamId(item.scope, item.owner, item.namespace);
        const metadata = { ...SWEEPER, tenantId: item.tenantId, correlationId: `retention:${now.toISOString()}` };
        const { append } = await handleCommand(this.store, metadata, streamId, expireMemoryDecider, { key: item.key, fingerprint: item.fingerprint, retentionDays: item.retentionDays }, null);
        if (append) expired++;
      }
      return expired;
    } finally {
      await leadership.release();
    }
  }
}
