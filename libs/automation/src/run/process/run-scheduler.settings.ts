export interface RunSchedulerSettings {
  /** Runs one process drives at once. */
  concurrency: number;
  /** At most this many of them from one tenant while others wait: one tenant cannot take every slot. */
  perTenant: number;
  /**
   * False for the embedded mode's single process: after a crash, calls found under way are its
   * own and are made again at once. True when several workers share the log (scale-out).
   */
  honourLeases: boolean;
  /** Whether this process drives runs at all (an API-only process in scale-out does not). */
  enabled: boolean;
  /** At shutdown, calls under way get this long to finish and be recorded before they are cut (and made again after the restart). */
  drainMs?: number;
  /** The platform's public origin (LEDGERLINE_PUBLIC_URL): approval reminders link to its console. */
  publicUrl?: string;
}

export const RUN_SCHEDULER_SETTINGS = Symbol('RUN_SCHEDULER_SETTINGS');

export const DEFAULT_RUN_SCHEDULER_SETTINGS: RunSchedulerSettings = { concurrency: 32, perTenant: 8, honourLeases: false, enabled: true };
