import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ParkedRuns } from './parked-runs.js';
import { RunWorker } from './run-worker.js';
import { RunViews } from '../projections/run-views.js';
import type { RunFailureHandler } from './run-failure.js';
import { RUN_SCHEDULER_SETTINGS, type RunSchedulerSettings } from './run-scheduler.settings.js';

/** How long a run this process finished is ignored in the view (which may still list it). */
const FINISHED_MEMORY_MS = 60_000;
const DUE_RUNS_PER_READ = 500;
/** A wake-up the scheduler missed (none is known) would cost no more than this. */
const VIEW_READ_AT_LEAST_EVERY_MS = 1000;

interface Candidate {
  tenantId: string;
  runId: string;
  /** The stream version the view saw; undefined for a poke (someone just acted on the run). */
  streamVersion: number | undefined;
  /** Taken even if another worker's partitions hold it (a retry or a redrive addressed to this run). */
  force?: boolean;
}

/**
 * Decides which runs the saga works on now. The durable schedule is the `run_schedule` view,
 * built from the log with a stored checkpoint: retry times, waits, approval and run deadlines
 * all live there, so they fire after a restart. In memory there is only what may be lost: which
 * runs are in hand, a timer for the next due time, and short waits on outbound rate limits.
 * Candidates are taken round-robin across tenants, with a per-tenant cap on slots.
 */
@Injectable()
export class RunScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunScheduler.name);
  private readonly inHand = new Map<string, Promise<void>>();
  private readonly perTenant = new Map<string, number>();
  /** Runs seen idle or held back: not before this time unless their stream moved past `version`. */
  private readonly parked = new ParkedRuns();
  private pokes: Candidate[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: () => void = () => undefined;
  private unsubscribe: () => void = () => undefined;
  private owns: (tenantId: string, runId: string) => boolean = () => true;
  private failureHandler: RunFailureHandler | undefined;
  private readonly failures = new Map<string, number>();
  private drained: Promise<number> | undefined;
  /**
   * Whether the view may list runs the last read of it did not launch: it moved, a due time came,
   * or runs it listed waited for a free slot. Pokes and finished drives alone need no read of it
   * (under load they are most wake-ups, and a read returns every run in hand).
   */
  private viewMayHaveMore = true;
  /** Runs listed (or poked) while in hand, with the highest stream version seen (a poke's: the highest there is). */
  private readonly seenWhileInHand = new Map<string, number>();
  /** The earliest due time after the last read of the view, and when that read was. */
  private nextViewDue = Infinity;
  private viewReadAt = 0;

  constructor(
    private readonly views: RunViews,
    private readonly worker: RunWorker,
    @Inject(RUN_SCHEDULER_SETTINGS) private readonly settings: RunSchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.unsubscribe = this.views.projector.onProgress(() => {
      this.viewMayHaveMore = true;
      this.wakeUp();
    });
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    await this.drain();
  }

  /**
   * Stops taking runs; the runs in hand stop before their next step, and calls under way get
   * `drainMs` to finish and be recorded (a durable checkpoint) before they are cut. Resolves with
   * how many runs were still in hand when the time was up. The worker calls it when it starts
   * draining, while its views and bus are still up; stopping the module does it otherwise.
   */
  drain(): Promise<number> {
    return (this.drained ??= this.stopAndWait());
  }

  private async stopAndWait(): Promise<number> {
    this.stopped = true;
    this.worker.draining.abort();
    this.unsubscribe();
    this.wakeUp();
    await this.loop;
    let cut = 0;
    // A call that finishes now is recorded and not made again after the restart; one that does not is cut.
    const deadline = setTimeout(() => {
      cut = this.inHand.size;
      this.worker.shutdown.abort();
    }, this.settings.drainMs ?? 0);
    await Promise.allSettled([...this.inHand.values()]);
    clearTimeout(deadline);
    return cut;
  }

  /**
   * With several workers, the runs this one carries: those of the bus partitions it was assigned
   * (others' leases and stream versions keep two workers from doing a step twice anyway; this keeps
   * them from contending). Without it, every run.
   */
  restrictTo(owns: (tenantId: string, runId: string) => boolean): void {
    this.owns = owns;
    this.wakeUp();
  }

  /** Repeated failures to carry a run forward go to `handler` (durable retries, dead letters) instead of in-process retries. */
  handOffFailuresTo(handler: RunFailureHandler): void {
    this.failureHandler = handler;
  }

  /**
   * Someone just acted on this run (started, cancelled, decided): look at it now, without waiting
   * for the view. A retry or a redrive forces it (whoever's partition it is in) and says how many
   * failures came before.
   */
  poke(tenantId: string, runId: string, options: { force?: boolean; failures?: number } = {}): void {
    if (!this.settings.enabled) return;
    const id = key(tenantId, runId);
    this.parked.delete(id);
    if (options.failures !== undefined) this.failures.set(id, options.failures);
    this.pokes.push({ tenantId, runId, streamVersion: undefined, force: options.force });
    this.wakeUp();
  }

  private async run(): Promise<void> {
    // Until the view's tables exist (the projector creates them, here or in another process) there is nothing to poll.
    await Promise.race([this.views.projector.tablesExist, aborted(this.worker.draining.signal)]);
    while (!this.stopped) {
      let nextWake = Date.now() + 1000;
      try {
        const now = Date.now();
        // A run held back until now may be listed in the view as due: it is read again.
        if (this.parked.expire(now) > 0) this.viewMayHaveMore = true;
        const readView = this.viewMayHaveMore || now >= this.nextViewDue || now >= this.viewReadAt + VIEW_READ_AT_LEAST_EVERY_MS;
        let due: Candidate[] = [];
        if (readView) {
          this.viewMayHaveMore = false;
          this.viewReadAt = now;
          due = await this.views.dueRuns(now, DUE_RUNS_PER_READ);
          // Runs due by now are all in `due` (or cut off by its limit): only a later due time needs a timer.
          this.viewMayHaveMore = due.length === DUE_RUNS_PER_READ;
          this.nextViewDue = (await this.views.nextDueAfter(now)) ?? Infinity;
        }
        this.launch(fairOrder([...this.pokes.splice(0), ...due]), now);
        const nextParked = this.parked.nextDue();
        nextWake = Math.max(now + 5, Math.min(nextWake, this.nextViewDue, nextParked));
      } catch (error) {
        this.viewMayHaveMore = true;
        this.logger.error(`run scheduling failed, retrying in 1 s: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, nextWake - Date.now()));
        this.wakeUp = () => (clearTimeout(timer), resolve());
        if (this.pokes.length > 0 || this.stopped) this.wakeUp();
      });
    }
  }

  private launch(candidates: Candidate[], now: number): void {
    for (const candidate of candidates) {
      if (this.inHand.size >= this.settings.concurrency) {
        // The rest are read from the view again when a slot frees up (a poked run is there by then, or its start is not applied yet, and then progress wakes us).
        this.viewMayHaveMore = true;
        return;
      }
      const id = key(candidate.tenantId, candidate.runId);
      if (this.inHand.has(id)) {
        this.seenWhileInHand.set(id, Math.max(this.seenWhileInHand.get(id) ?? 0, candidate.streamVersion ?? Number.MAX_SAFE_INTEGER));
        continue;
      }
      if (!candidate.force && !this.owns(candidate.tenantId, candidate.runId)) continue;
      const parked = this.parked.get(id);
      if (parked && candidate.streamVersion !== undefined && candidate.streamVersion <= parked.version && now < parked.until) continue;
      const tenantSlots = this.perTenant.get(candidate.tenantId) ?? 0;
      if (tenantSlots >= this.settings.perTenant) {
        this.viewMayHaveMore = true;
        continue;
      }
      this.perTenant.set(candidate.tenantId, tenantSlots + 1);
      this.parked.delete(id);
      const work = this.worker
        .drive(candidate.tenantId, candidate.runId)
        .then((outcome) => {
          this.failures.delete(id);
          // It moved while in hand past where the drive left it (a cancellation, a decision): the view is read again.
          if (outcome.kind === 'parked' && (this.seenWhileInHand.get(id) ?? 0) > outcome.streamVersion) this.viewMayHaveMore = true;
          // A finished run stays in the view until the projector deletes it: do not pick it up again meanwhile.
          this.parked.set(id, outcome.kind === 'parked' ? { version: outcome.streamVersion, until: outcome.until } : { version: Number.MAX_SAFE_INTEGER, until: Date.now() + FINISHED_MEMORY_MS });
        })
        .catch((error: unknown) => this.failed(candidate, error))
        .finally(() => {
          this.inHand.delete(id);
          this.seenWhileInHand.delete(id);
          this.perTenant.set(candidate.tenantId, (this.perTenant.get(candidate.tenantId) ?? 1) - 1);
          this.wakeUp();
        });
      this.inHand.set(id, work);
    }
  }

  /** The platform failed on a run (the database, a bug): retry later, in process or through the failure handler. */
  private failed(candidate: Candidate, error: unknown): void {
    const id = key(candidate.tenantId, candidate.runId);
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    const message = error instanceof Error ? error.message : String(error);
    const handler = this.failureHandler;
    if (!handler) {
      const delay = Math.min(1000 * 2 ** (failures - 1), 30_000);
      this.logger.error(`run ${candidate.runId} of ${candidate.tenantId} failed to advance (${failures} in a row), retrying in ${delay} ms: ${message}`);
      this.parked.set(id, { version: Number.MAX_SAFE_INTEGER, until: Date.now() + delay });
      return;
    }
    this.logger.error(`run ${candidate.runId} of ${candidate.tenantId} failed to advance (${failures} in a row), handed to the retry topics: ${message}`);
    // Until the handler's retry (or an operator's redrive) pokes it again, the scheduler leaves it alone.
    this.parked.set(id, { version: Number.MAX_SAFE_INTEGER, until: Number.MAX_SAFE_INTEGER });
    handler.handle({ tenantId: candidate.tenantId, runId: candidate.runId, error: message, failures, at: new Date().toISOString() }).catch((handOffError: unknown) => {
      this.logger.error(`could not hand run ${candidate.runId} over, retrying in process in 5 s: ${handOffError instanceof Error ? handOffError.message : String(handOffError)}`);
      this.parked.set(id, { version: Number.MAX_SAFE_INTEGER, until: Date.now() + 5000 });
    });
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

function key(tenantId: string, runId: string): string {
  return `${tenantId}\u0000${runId}`;
}

/** One candidate per tenant in turn, so a tenant with many due runs does not go first with all of them. */
function fairOrder(candidates: Candidate[]): Candidate[] {
  const byTenant = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const queue = byTenant.get(candidate.tenantId) ?? [];
    queue.push(candidate);
    byTenant.set(candidate.tenantId, queue);
  }
  const ordered: Candidate[] = [];
  const queues = [...byTenant.values()];
  for (let round = 0; ordered.length < candidates.length; round++) {
    for (const queue of queues) if (queue[round]) ordered.push(queue[round]!);
  }
  return ordered;
}
