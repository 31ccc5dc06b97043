import { assertTenantId, type EventStore, type RecordedEvent } from '#event-store';
import { ensureCheckpointsTable, loadFrontier, type SavedCheckpoint } from '../checkpoints.js';
import { applyEvents, type Projection } from '../projection.js';
import type { ViewDb } from '../view-db.port.js';
import { advanceRebuild, ALL_TENANTS, ensureRebuildsTable, loadRebuildState, saveRebuildState, type RebuildState } from './rebuild-state.js';
import { assertRenamable, shadowDdl, shadowNames, shadowSql, ShadowRenamer } from './shadow-tables.js';
import { LiveVersionMismatchError, OtherRebuildPendingError } from './view-rebuild.errors.js';
import type { ViewRebuildOptions, ViewRebuildResult } from './view-rebuild.js';
import { switchShadowIn } from './view-switch.js';

/** How close (in log positions) a shadow gets to its live checkpoint in batches before it switches. */
const SWITCH_WITHIN = 50;
/**
 * Events read per batch, and per transaction of the view database. Large, because a batch costs
 * a commit and a round of checkpoint writes per view; not larger, because the transaction holds
 * the views' write lock (SQLite) while the live projectors wait to apply theirs: about 2,000
 * events through seven views stays in the tens of milliseconds.
 */
const DEFAULT_BATCH = 2000;

/** One view's shadow in a rebuild of several. */
interface Shadow {
  readonly projection: Projection;
  state: RebuildState;
  renamer: ShadowRenamer;
  readonly resumedFrom: number;
  /** The live checkpoint the shadow is taken up to, never past (the switch happens at the live projector's position). */
  target: number;
  /** Events of the log (handled or not) this run took the shadow through. */
  eventsApplied: number;
  result?: ViewRebuildResult;
}

export interface ViewsRebuildResult {
  /** `interrupted`: the signal aborted before every view was switched in; the others wait, with their shadows, for the next run. */
  outcome: 'switched' | 'interrupted';
  /** One per view, in the order given: switched in, or where its shadow stopped. */
  views: ViewRebuildResult[];
  /** Events of the log the run read (once, whatever the number of views). */
  eventsRead: number;
}

/**
 * Rebuilds several projections without downtime, in one pass over the log: each batch is read
 * and parsed once, then handed to every view's shadow tables in one transaction with every
 * shadow's checkpoint (the log is the expensive part to read; a view per pass read it seven times
 * for `replay --all`). The live projectors keep the live tables current and reads keep answering
 * from them; each shadow is switched in on its own (view-switch.ts) once it is close to its live
 * checkpoint. Shadows resume where they stopped, each from its own checkpoint, so the pass starts
 * at the lowest one and a view takes only the events past its own. Works beside a platform
 * applying the same views, in this process or another one.
 */
export class ViewsRebuild {
  private readonly batchSize: number;
  private readonly scope: string;
  private eventsRead = 0;

  constructor(private readonly store: EventStore, private readonly db: ViewDb, private readonly projections: readonly Projection[], private readonly options: ViewRebuildOptions = {}) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.scope = options.tenantId ?? ALL_TENANTS;
  }

  async run(): Promise<ViewsRebuildResult> {
    for (const projection of this.projections) assertRenamable(projection);
    if (this.options.tenantId !== undefined) assertTenantId(this.options.tenantId);
    await ensureCheckpointsTable(this.db);
    await ensureRebuildsTable(this.db);
    // Every refusal comes before any shadow is made or dropped: a refused run changes nothing.
    const checked: Array<{ projection: Projection; liveVersion: number; saved: RebuildState | undefined }> = [];
    for (const projection of this.projections) {
      const live = await this.liveCheckpoint(projection);
      const saved = await loadRebuildState(this.db, projection.name);
      if (this.resumes(saved, live.version) && saved!.tenantScope !== this.scope) throw new OtherRebuildPendingError(projection.name, saved!.tenantScope);
      checked.push({ projection, liveVersion: live.version, saved });
    }
    const shadows: Shadow[] = [];
    for (const { projection, liveVersion, saved } of checked) {
      const state = this.resumes(saved, liveVersion) ? saved! : await this.startShadow(projection, saved, liveVersion);
      shadows.push({ projection, state, renamer: renamerOf(projection, state), resumedFrom: state.position, target: state.position, eventsApplied: 0 });
    }
    for (;;) {
      const open = shadows.filter((shadow) => !shadow.result);
      if (open.length === 0) return this.results(shadows, 'switched');
      if (this.options.signal?.aborted) return this.results(shadows, 'interrupted');
      for (const shadow of open) await this.refreshTarget(shadow);
      const head = await this.store.headPosition(this.options.tenantId);
      this.options.onProgress?.(lowest(open), head, this.eventsRead);
      // Close enough: the last events go to the shadow inside the switch, under the lock, which
      // must stay short: readers wait on it, and on PostgreSQL every open writing transaction
      // holds back the log's safe head (docs/architecture.md, gap-free reads), so the platform's
      // read-your-writes waits for it too. One switch at a time, the others' targets read again after it.
      const ready = open.find((shadow) => shadow.target - shadow.state.position <= Math.min(this.batchSize, SWITCH_WITHIN));
      if (ready) {
        await this.switchIn(ready);
        continue;
      }
      if (!(await this.catchUp(open, head))) return this.results(shadows, 'interrupted');
    }
  }

  private resumes(saved: RebuildState | undefined, liveVersion: number): boolean {
    return saved?.active === true && !this.options.restart && saved.liveVersion === liveVersion;
  }

  /** The live view's version, and the position up to which it holds every event (a view fed by partitions may hold some later ones). */
  private async liveCheckpoint(projection: Projection): Promise<SavedCheckpoint> {
    const live = await loadFrontier(this.db, projection.name);
    if (!live || live.version !== projection.version) throw new LiveVersionMismatchError(projection.name, live?.version, projection.version);
    return { version: live.version, position: live.low };
  }

  /** The shadow's target is the live checkpoint; a live view that went back behind it (rebuilt in place) means a new shadow from 0. */
  private async refreshTarget(shadow: Shadow): Promise<void> {
    const live = await this.liveCheckpoint(shadow.projection);
    if (live.position < shadow.state.position) {
      shadow.state = await this.startShadow(shadow.projection, shadow.state, live.version);
      shadow.renamer = renamerOf(shadow.projection, shadow.state);
    }
    shadow.target = live.position;
  }

  /** A new generation of empty shadow tables at position 0; an unfinished one before it is dropped. */
  private async startShadow(projection: Projection, previous: RebuildState | undefined, liveVersion: number): Promise<RebuildState> {
    const state: RebuildState = { projection: projection.name, generation: (previous?.generation ?? 0) + 1, tenantScope: this.scope, position: 0, liveVersion, active: true };
    const names = shadowNames(projection, state.generation);
    await this.db.transaction(async (tx) => {
      if (previous?.active) for (const table of shadowNames(projection, previous.generation).values()) await tx.run(`DROP TABLE IF EXISTS ${table}`);
      for (const table of names.values()) await tx.run(`DROP TABLE IF EXISTS ${table}`);
      for (const ddl of shadowDdl(projection, state.generation)) await tx.run(ddl);
      await saveRebuildState(tx, state);
    });
    return state;
  }

  /**
   * Takes every shadow up to its target, never past it, reading the log once from the lowest
   * shadow. Every event of the scope up to a target was safe to read when the live projector
   * read it, so once the log is read to there the shadow is at its target. False when the
   * signal aborted first.
   */
  private async catchUp(shadows: readonly Shadow[], head: number): Promise<boolean> {
    const behind = shadows.filter((shadow) => shadow.state.position < shadow.target);
    const until = Math.max(...behind.map((shadow) => shadow.target));
    for await (const batch of this.store.readAll({ after: lowest(behind), tenantId: this.options.tenantId, batchSize: this.batchSize })) {
      const last = batch[batch.length - 1]!.globalPosition;
      this.eventsRead += batch.filter((event) => event.globalPosition <= until).length;
      await this.applyToShadows(behind, batch, Math.min(last, until), head);
      if (last >= until) break;
      if (this.options.signal?.aborted) return false;
    }
    // The log of the scope ends before some targets (a tenant's last event): those shadows are at their targets now.
    await this.applyToShadows(behind, [], until, head);
    return true;
  }

  /**
   * One transaction for every shadow: each takes the batch's events past its own position up to
   * its target, and its checkpoint moves to `readTo` (every event up to there is read) or its
   * target, whichever is lower.
   */
  private async applyToShadows(shadows: readonly Shadow[], batch: readonly RecordedEvent[], readTo: number, head: number): Promise<void> {
    const moves: Array<{ shadow: Shadow; position: number; events: number }> = [];
    await this.db.transaction(async (tx) => {
      for (const shadow of shadows) {
        const { position: from } = shadow.state;
        const position = Math.min(readTo, shadow.target);
        if (position <= from) continue;
        const events = batch.filter((event) => event.globalPosition > from && event.globalPosition <= position);
        await applyEvents(shadow.projection, shadowSql(tx, shadow.renamer), events.filter((event) => shadow.projection.handles(event)));
        await advanceRebuild(tx, shadow.state, position);
        moves.push({ shadow, position, events: events.length });
      }
    });
    for (const { shadow, position, events } of moves) {
      shadow.state = { ...shadow.state, position };
      shadow.eventsApplied += events;
    }
    if (moves.length > 0) this.options.onProgress?.(lowest(shadows), Math.max(head, readTo), this.eventsRead);
  }

  private async switchIn(shadow: Shadow): Promise<void> {
    const switched = await switchShadowIn(this.store, this.db, shadow.projection, shadow.state);
    shadow.eventsApplied += switched.eventsApplied;
    this.eventsRead += switched.eventsApplied;
    shadow.state = { ...shadow.state, position: switched.position, active: false };
    shadow.result = this.resultOf(shadow, 'switched');
    this.options.onProgress?.(switched.position, await this.store.headPosition(this.options.tenantId), this.eventsRead);
  }

  private results(shadows: readonly Shadow[], outcome: ViewsRebuildResult['outcome']): ViewsRebuildResult {
    return { outcome, views: shadows.map((shadow) => shadow.result ?? this.resultOf(shadow, 'interrupted')), eventsRead: this.eventsRead };
  }

  private resultOf(shadow: Shadow, outcome: ViewRebuildResult['outcome']): ViewRebuildResult {
    const { projection, state, resumedFrom, eventsApplied } = shadow;
    return { projection: projection.name, generation: state.generation, tenantId: this.options.tenantId, outcome, resumedFrom, position: state.position, eventsApplied };
  }
}

function renamerOf(projection: Projection, state: RebuildState): ShadowRenamer {
  return new ShadowRenamer(shadowNames(projection, state.generation));
}

function lowest(shadows: readonly Shadow[]): number {
  return Math.min(...shadows.map((shadow) => shadow.state.position));
}
