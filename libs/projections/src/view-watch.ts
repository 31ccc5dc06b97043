import { loadFrontiers, type Frontier } from './checkpoints.js';
import type { ViewSql } from './view-db.port.js';

export interface ViewWatchOptions {
  /** Between polls while no read waits (a read that starts waiting starts a poll at once). Default 250. */
  idlePollMs?: number;
  /** Between polls while a read waits for its writes. Default 10. */
  waitingPollMs?: number;
}

/** What the watch needs of a view it follows (Projector). */
export interface WatchedView {
  readonly name: string;
  /** Whether the view is watched now (not applied by this process). */
  readonly watched: boolean;
  /** Whether a read waits for the view to move. */
  readonly waiting: boolean;
  observe(frontier: Frontier | undefined): void;
}

/**
 * Follows where other processes (or this one's bus consumer) have taken the views: one poll of
 * every view's saved positions, two reads whatever the number of views, often while a read waits
 * (waitingPollMs) and seldom otherwise (idlePollMs), and at once when a read starts waiting
 * (`nudge`). At most one poll is in flight; nudges during it make one more.
 */
export class ViewWatch {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private again = false;
  private wakeUp: () => void = () => (this.again = true);

  constructor(
    private readonly db: ViewSql,
    private readonly views: () => Iterable<WatchedView>,
    private readonly options: ViewWatchOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    await this.loop;
    this.loop = undefined;
  }

  /** Poll now (or right after the poll in flight). */
  nudge(): void {
    this.wakeUp();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      const watched = [...this.views()].filter((view) => view.watched);
      if (watched.length > 0) {
        try {
          const frontiers = await loadFrontiers(this.db);
          for (const view of watched) view.observe(frontiers.get(view.name));
        } catch {
          // no checkpoint tables yet (the applying process has not started), or the database is away: the next poll tells
        }
      }
      if (this.again || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, watched.some((view) => view.waiting) ? (this.options.waitingPollMs ?? 10) : (this.options.idlePollMs ?? 250));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = () => (this.again = true);
    }
  }
}
