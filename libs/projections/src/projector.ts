import { followLog, type EventStore, type RecordedEvent } from '#event-store';
import { CHECKPOINTS_TABLE as META_TABLE, ensureCheckpointsTable, loadCheckpoint, loadPartitionPositions, PARTITION_CHECKPOINTS_TABLE, type Frontier } from './checkpoints.js';
import { applyEvents, type Projection } from './projection.js';
import type { ViewDb } from './view-db.port.js';
import type { WatchedView } from './view-watch.js';

/** How far a projection may run ahead of its saved checkpoint over events it does not handle. */
const MAX_UNSAVED_SKIPPED = 1000;
/**
 * How long it may stay ahead of it: processes that only watch the saved checkpoint (scale-out
 * API processes) wait on it for reads, so a quiet projection must not lag the log for long.
 */
const MAX_UNSAVED_MS = 250;

/**
 * Keeps one projection up to date with the global log. Each batch of events and the new
 * checkpoint commit in one transaction of the view database, so every event takes effect exactly
 * once, across crashes too. Driven by the log (catch up, then wake on appends), never by timers
 * that hold state.
 */
export class Projector implements WatchedView {
  private position = 0;
  private savedPosition = 0;
  private savedAt = 0;
  private running: Promise<void> | undefined;
  private abort = new AbortController();
  private waiters: Array<{ position: number; tenantId?: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** What the view holds when another process applies it (watching); undefined while this one applies it from the log. */
  private frontier: Frontier | undefined;
  private failure: unknown;
  private applying = false;
  private readonly progressListeners = new Set<(position: number) => void>();
  /** Set while the view is watched: asks the watch for a poll now. */
  private nudgeWatch: (() => void) | undefined;
  private markTablesExist: () => void = () => undefined;
  /**
   * Resolves once the view's tables exist: created or found by this process, or seen in the
   * checkpoint of the process that applies the view. Whoever polls the tables on its own (the run
   * scheduler) waits for it, instead of failing on a missing table at start.
   */
  readonly tablesExist = new Promise<void>((resolve) => (this.markTablesExist = resolve));

  constructor(
    private readonly store: EventStore,
    private readonly db: ViewDb,
    readonly projection: Projection,
    private readonly options: { batchSize?: number; idleWaitMs?: number } = {},
  ) {}

  /** Creates or upgrades the tables (a new version rebuilds from 0), catches up, then follows the log. */
  async start(): Promise<void> {
    this.applying = true;
    this.nudgeWatch = undefined;
    await ensureCheckpointsTable(this.db);
    const meta = await loadCheckpoint(this.db, this.projection.name);
    if (!meta || meta.version !== this.projection.version) await this.reset();
    else this.position = this.savedPosition = meta.position;
    this.markTablesExist();
    await this.catchUp();
    this.abort = new AbortController();
    this.running = this.follow(this.abort.signal);
  }

  /**
   * Another process applies this projection (scale-out): only track its saved checkpoint, so
   * that reads here can wait for their writes to show. `watch` (a ViewWatch) calls observe with
   * what it polled; `nudge` asks it for a poll now, when a read starts waiting.
   */
  watchWith(nudge: () => void): void {
    this.applying = false;
    this.nudgeWatch = nudge;
  }

  get name(): string {
    return this.projection.name;
  }

  get watched(): boolean {
    return this.nudgeWatch !== undefined;
  }

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Where the process applying the view has taken it (undefined: not started there yet). */
  observe(frontier: Frontier | undefined): void {
    // A poll that started before stop() answers after it: this process may apply the view now.
    if (!frontier || frontier.version !== this.projection.version) return;
    this.markTablesExist();
    if (!this.watched) return;
    const moved = frontier.partitioned && frontier.movedSince(this.frontier);
    this.frontier = frontier.partitioned ? frontier : undefined;
    if (frontier.low > this.position || moved) this.advanceTo(Math.max(this.position, frontier.low), true);
  }

  /**
   * Makes the view ready to be fed by a bus partitioned `partitions` ways (scale-out workers in a
   * consumer group, see applyBusBatch): creates or upgrades the tables, catches them up from the
   * log, and gives every partition that position. A view already fed by such a bus is left as it
   * is. The caller holds the projectors' leadership, so one process does this at a time.
   */
  async prepareForBus(partitions: number): Promise<void> {
    await ensureCheckpointsTable(this.db);
    const meta = await loadCheckpoint(this.db, this.projection.name);
    const fed = await loadPartitionPositions(this.db, this.projection.name);
    if (meta && meta.version === this.projection.version && fed.length === partitions) return this.markTablesExist();
    this.applying = true;
    try {
      // A new version, or partitions counted otherwise (tenants hash elsewhere now): from position 0.
      if (!meta || meta.version !== this.projection.version || fed.length > 0) await this.reset();
      else this.position = this.savedPosition = meta.position;
      this.markTablesExist();
      await this.catchUp();
      const position = this.position;
      await this.db.transaction(async (tx) => {
        // No partition rows here: a view that had some was reset above, which deletes them.
        await tx.run(`UPDATE ${META_TABLE} SET position = ? WHERE name = ?`, [position, this.projection.name]);
        for (let part = 0; part < partitions; part++) await tx.run(`INSERT INTO ${PARTITION_CHECKPOINTS_TABLE} (name, part, position) VALUES (?, ?, ?)`, [this.projection.name, part, position]);
      });
      this.savedPosition = position;
    } finally {
      this.applying = false;
    }
  }

  async stop(): Promise<void> {
    this.nudgeWatch = undefined;
    this.abort.abort();
    await this.running;
    this.running = undefined;
    if (this.applying && this.position > this.savedPosition && this.failure === undefined) await this.save([], this.position);
  }

  /** Drops and recreates the tables and replays the whole log into them. */
  async rebuild(): Promise<void> {
    const wasRunning = this.running !== undefined;
    await this.stop();
    await this.reset();
    await this.catchUp();
    if (wasRunning) {
      this.abort = new AbortController();
      this.running = this.follow(this.abort.signal);
    }
  }

  get checkpoint(): number {
    return this.position;
  }

  /** Resolves once the view reflects every event up to `position` (of `tenantId`'s events, when given). */
  reached(position: number, tenantId?: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (position <= this.reachedFor(tenantId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ position, tenantId, resolve, reject });
      this.nudgeWatch?.();
    });
  }

  /** Where the view stands for the tenant's events: a view fed by partitions may be further for some tenants than for all. */
  private reachedFor(tenantId: string | undefined): number {
    return tenantId !== undefined && this.frontier ? Math.max(this.position, this.frontier.reachedFor(tenantId)) : this.position;
  }

  /** Called after each batch the view took in: lets a process that reads the view react without polling. */
  onProgress(listener: (position: number) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Read-your-writes: waits until the view holds everything the tenant's log held when called. */
  async caughtUpWith(tenantId?: string): Promise<void> {
    await this.reached(await this.store.committedPosition(tenantId), tenantId);
  }

  private async reset(): Promise<void> {
    const { name, version, tables, indexes = {} } = this.projection;
    await this.db.transaction(async (tx) => {
      // Dropping a table drops its indexes, whatever a rebuild named them.
      for (const table of Object.keys(tables)) await tx.run(`DROP TABLE IF EXISTS ${table}`);
      for (const ddl of [...Object.values(tables), ...Object.values(indexes)]) await tx.run(ddl);
      await tx.run(
        `INSERT INTO ${META_TABLE} (name, version, position) VALUES (?, ?, 0) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0`,
        [name, version],
      );
      await tx.run(`DELETE FROM ${PARTITION_CHECKPOINTS_TABLE} WHERE name = ?`, [name]);
    });
    for (const table of Object.keys(tables)) await this.db.protectTenantTable(table);
    this.position = this.savedPosition = 0;
  }

  /**
   * Invariant the online rebuild (rebuild/view-switch.ts) relies on: a batch with handled events
   * is saved before the position moves past it, so the position runs ahead of the saved
   * checkpoint over events this projection does not handle, and only those.
   * `sinceLastWake`: called by the loop that follows the log (see ReadAllOptions.sinceLastWake); a
   * start or a rebuild reads to the head as of the call.
   */
  private async catchUp(sinceLastWake = false): Promise<void> {
    for await (const batch of this.store.readAll({ after: this.position, batchSize: this.options.batchSize ?? 500, sinceLastWake })) {
      const last = batch[batch.length - 1]!.globalPosition;
      const handled = batch.filter((event) => this.projection.handles(event));
      if (handled.length > 0 || last - this.savedPosition >= MAX_UNSAVED_SKIPPED || this.unsavedTooLong()) await this.save(handled, last);
      this.advanceTo(last, handled.length > 0);
    }
    // Caught up: skipped events not saved for a while are saved now (the idle wake-ups come here too).
    if (this.applying && this.unsavedTooLong()) await this.save([], this.position);
  }

  private unsavedTooLong(): boolean {
    return this.position > this.savedPosition && Date.now() - this.savedAt >= MAX_UNSAVED_MS;
  }

  private advanceTo(position: number, changedView: boolean): void {
    this.position = position;
    this.waiters = this.waiters.filter((waiter) => (waiter.position <= this.reachedFor(waiter.tenantId) ? (waiter.resolve(), false) : true));
    if (changedView) for (const listener of this.progressListeners) listener(position);
  }

  /** Applies events and moves the saved checkpoint in one transaction. */
  private async save(events: readonly RecordedEvent[], position: number): Promise<void> {
    // The view and its checkpoint commit together: a commit lost with the database server is made again from the log.
    await this.db.replayableTransaction(async (tx) => {
      await applyEvents(this.projection, tx, events);
      await tx.run(`UPDATE ${META_TABLE} SET position = ? WHERE name = ?`, [position, this.projection.name]);
    });
    this.savedPosition = position;
    this.savedAt = Date.now();
  }

  private async follow(signal: AbortSignal): Promise<void> {
    try {
      await followLog(this.store, signal, this.options.idleWaitMs ?? 1000, () => this.catchUp(true), {
        // A batch whose commit answer was lost may have landed: go on from the checkpoint saved, not the one believed.
        beforeRetry: async () => {
          const meta = await loadCheckpoint(this.db, this.projection.name);
          if (meta && meta.version === this.projection.version && meta.position > this.position) {
            this.savedPosition = meta.position;
            this.advanceTo(meta.position, true);
          }
        },
        onOutage: (lost, error) =>
          process.stderr.write(lost ? `projection ${this.projection.name} waits for its database at ${this.position}: ${String(error)}\n` : `projection ${this.projection.name} follows the log again\n`),
      });
    } catch (error) {
      // A failing event stops the view where it is; the process stays up and says so.
      this.failure = error;
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      process.stderr.write(`projection ${this.projection.name} stopped at ${this.position}: ${String(error)}\n`);
    }
  }
}
