import { assertTenantId, type EventStore, type RecordedEvent, type TenantId } from '#event-store';
import { ensureCheckpointsTable, loadFrontier, type SavedCheckpoint } from '../checkpoints.js';
import type { Projection } from '../projection.js';
import type { ViewDb } from '../view-db.port.js';
import { advanceRebuild, ALL_TENANTS, ensureRebuildsTable, loadRebuildState, saveRebuildState, type RebuildState } from './rebuild-state.js';
import { assertRenamable, shadowDdl, shadowNames, shadowSql } from './shadow-tables.js';
import { LiveVersionMismatchError, OtherRebuildPendingError } from './view-rebuild.errors.js';
import { switchShadowIn } from './view-switch.js';

/** How close (in log positions) the shadow gets to the live checkpoint in batches before it switches. */
const SWITCH_WITHIN = 50;

export interface ViewRebuildOptions {
  /** Rebuilds only this tenant's rows, from its events alone; the other tenants' rows stay. */
  tenantId?: TenantId;
  /** Drops an unfinished shadow and starts from position 0 instead of resuming it. */
  restart?: boolean;
  batchSize?: number;
  /** Stops after the batch in progress, its checkpoint saved: the next run resumes there. */
  signal?: AbortSignal;
  /** After each batch: the shadow's position, the log's head, the events this run went through. */
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
 * Rebuilds a projection without downtime: replays the log into shadow tables while the live
 * projector keeps the live tables current and reads keep answering from them, then switches the
 * shadow in atomically (view-switch.ts). Each batch commits with the shadow's checkpoint, so an
 * interrupted rebuild resumes where it stopped. Works beside a platform applying the same views,
 * in this process or another one.
 */
export class ViewRebuild {
  private readonly batchSize: number;
  private readonly scope: string;
  private state!: RebuildState;
  private eventsApplied = 0;

  constructor(private readonly store: EventStore, private readonly db: ViewDb, private readonly projection: Projection, private readonly options: ViewRebuildOptions = {}) {
    this.batchSize = options.batchSize ?? 200;
    this.scope = options.tenantId ?? ALL_TENANTS;
  }

  async run(): Promise<ViewRebuildResult> {
    assertRenamable(this.projection);
    if (this.options.tenantId !== undefined) assertTenantId(this.options.tenantId);
    await ensureCheckpointsTable(this.db);
    await ensureRebuildsTable(this.db);
    const live = await this.liveCheckpoint();
    this.state = await this.resumeOrStart(live.version);
    const resumedFrom = this.state.position;
    for (;;) {
      if (this.options.signal?.aborted) return this.result('interrupted', resumedFrom, this.state.position);
      const { position: target } = await this.liveCheckpoint();
      if (target < this.state.position) this.state = await this.startShadow(this.state, live.version);
      const head = await this.store.headPosition(this.options.tenantId);
      this.options.onProgress?.(this.state.position, head, this.eventsApplied);
      // Close enough: the last events go to the shadow inside the switch, under the lock, which
      // must stay short: readers wait on it, and on PostgreSQL every open writing transaction
      // holds back the log's safe head (docs/architecture.md, gap-free reads), so the platform's
      // read-your-writes waits for it too.
      if (target - this.state.position <= Math.min(this.batchSize, SWITCH_WITHIN)) break;
      if (!(await this.catchUpTo(target, head))) return this.result('interrupted', resumedFrom, this.state.position);
    }
    const switched = await switchShadowIn(this.store, this.db, this.projection, this.state);
    this.eventsApplied += switched.eventsApplied;
    this.options.onProgress?.(switched.position, await this.store.headPosition(this.options.tenantId), this.eventsApplied);
    return this.result('switched', resumedFrom, switched.position);
  }

  /** The live view's version, and the position up to which it holds every event (a view fed by partitions may hold some later ones). */
  private async liveCheckpoint(): Promise<SavedCheckpoint> {
    const live = await loadFrontier(this.db, this.projection.name);
    if (!live || live.version !== this.projection.version) throw new LiveVersionMismatchError(this.projection.name, live?.version, this.projection.version);
    return { version: live.version, position: live.low };
  }

  private async resumeOrStart(liveVersion: number): Promise<RebuildState> {
    const saved = await loadRebuildState(this.db, this.projection.name);
    if (!saved?.active || this.options.restart || saved.liveVersion !== liveVersion) return this.startShadow(saved, liveVersion);
    if (saved.tenantScope !== this.scope) throw new OtherRebuildPendingError(this.projection.name, saved.tenantScope);
    return saved;
  }

  /** A new generation of empty shadow tables at position 0; an unfinished one before it is dropped. */
  private async startShadow(previous: RebuildState | undefined, liveVersion: number): Promise<RebuildState> {
    const state: RebuildState = { projection: this.projection.name, generation: (previous?.generation ?? 0) + 1, tenantScope: this.scope, position: 0, liveVersion, active: true };
    const names = shadowNames(this.projection, state.generation);
    await this.db.transaction(async (tx) => {
      if (previous?.active) for (const table of shadowNames(this.projection, previous.generation).values()) await tx.run(`DROP TABLE IF EXISTS ${table}`);
      for (const table of names.values()) await tx.run(`DROP TABLE IF EXISTS ${table}`);
      for (const ddl of shadowDdl(this.projection, state.generation)) await tx.run(ddl);
      await saveRebuildState(tx, state);
    });
    return state;
  }

  /**
   * Takes the shadow up to the live checkpoint `target`, never past it (the live projector's
   * position is the switch's). Every event of the scope up to `target` was safe to read when
   * the live projector read it, so once the log is read to there the shadow is at `target`.
   * False when the signal aborted first.
   */
  private async catchUpTo(target: number, head: number): Promise<boolean> {
    for await (const batch of this.store.readAll({ after: this.state.position, tenantId: this.options.tenantId, batchSize: this.batchSize })) {
      const events = batch.filter((event) => event.globalPosition <= target);
      if (events.length > 0) await this.applyToShadow(events, events[events.length - 1]!.globalPosition, head);
      if (events.length < batch.length) break;
      if (this.options.signal?.aborted) return false;
    }
    if (this.state.position < target) await this.applyToShadow([], target, head);
    return true;
  }

  private async applyToShadow(events: readonly RecordedEvent[], position: number, head: number): Promise<void> {
    const names = shadowNames(this.projection, this.state.generation);
    await this.db.transaction(async (tx) => {
      const shadow = shadowSql(tx, names);
      for (const event of events) if (this.projection.handles(event)) await this.projection.apply(shadow, event);
      await advanceRebuild(tx, this.state, position);
    });
    this.state = { ...this.state, position };
    this.eventsApplied += events.length;
    this.options.onProgress?.(position, Math.max(head, position), this.eventsApplied);
  }

  private result(outcome: ViewRebuildResult['outcome'], resumedFrom: number, position: number): ViewRebuildResult {
    const { projection, options, state, eventsApplied } = this;
    return { projection: projection.name, generation: state.generation, tenantId: options.tenantId, outcome, resumedFrom, position, eventsApplied };
  }
}
