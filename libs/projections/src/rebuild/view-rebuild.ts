import type { EventStore, TenantId } from '#event-store';
import type { Projection } from '../projection.js';
import type { ViewDb } from '../view-db.port.js';
import { ViewsRebuild } from './views-rebuild.js';

export interface ViewRebuildOptions {
  /** Rebuilds only this tenant's rows, from its events alone; the other tenants' rows stay. */
  tenantId?: TenantId;
  /** Drops an unfinished shadow and starts from position 0 instead of resuming it. */
  restart?: boolean;
  /** Events read, and applied to the shadows, per transaction. */
  batchSize?: number;
  /** Stops after the batch in progress, its checkpoint saved: the next run resumes there. */
  signal?: AbortSignal;
  /** After each batch: the (lowest) shadow's position, the log's head, the events of the log this run read. */
  onProgress?: (position: number, head: number, eventsApplied: number) => void;
}

export interface ViewRebuildResult {
  projection: string;
  generation: number;
  tenantId: TenantId | undefined;
  /** `interrupted`: the signal aborted; the shadow and its checkpoint wait for the next run. */
  outcome: 'switched' | 'interrupted';
  /** Where this run took the shadow up (0 unless it resumed one). */
  resumedFrom: number;
  /** The live checkpoint the shadow was switched in at, or where the shadow stopped. */
  position: number;
  /** Events of the log (handled or not) this run took the shadow through. */
  eventsApplied: number;
}

/**
 * Rebuilds one projection without downtime: replays the log into shadow tables while the live
 * projector keeps the live tables current and reads keep answering from them, then switches the
 * shadow in atomically (view-switch.ts). Each batch commits with the shadow's checkpoint, so an
 * interrupted rebuild resumes where it stopped. One view of ViewsRebuild, which rebuilds several
 * in one pass over the log.
 */
export class ViewRebuild {
  constructor(private readonly store: EventStore, private readonly db: ViewDb, private readonly projection: Projection, private readonly options: ViewRebuildOptions = {}) {}

  async run(): Promise<ViewRebuildResult> {
    const { views } = await new ViewsRebuild(this.store, this.db, [this.projection], this.options).run();
    return views[0]!;
  }
}
