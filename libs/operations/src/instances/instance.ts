/** What a process is: the all-in-one platform (the embedded mode), a scale-out API process, or a worker. */
export type InstanceRole = 'platform' | 'api' | 'worker';

/** `running`: heard from lately; `stopped`: said so on a graceful shutdown; `stale`: silent for more than STALE_AFTER_HEARTBEATS beats (killed, frozen, cut off). */
export type InstanceStatus = 'running' | 'stopped' | 'stale';

/** The readiness checks' states, as /readyz computes them: each `ok`, or what is wrong (`draining`, `unavailable`). */
export type ReadinessChecks = Readonly<Record<string, string>>;

/** A process of the installation, as it describes itself when it starts. Times are epoch ms. */
export interface InstanceIdentity {
  instanceId: string;
  role: InstanceRole;
  host: string;
  pid: number;
  version: string;
  startedAt: number;
  /** How often it writes its heartbeat: a reader judges its silence by its own beat, not the reader's. */
  heartbeatMs: number;
}

export interface InstanceEntry extends InstanceIdentity {
  lastSeenAt: number;
  ready: boolean;
  checks: ReadinessChecks;
  stoppedAt: number | null;
  status: InstanceStatus;
}

export const STALE_AFTER_HEARTBEATS = 3;
/** Entries unseen this long are deleted: a process killed a day ago is of no interest. */
export const PRUNE_AFTER_MS = 86_400_000;

/**
 * Judged by the reader's clock against the writer's: hosts' clocks should agree (NTP) to well
 * within STALE_AFTER_HEARTBEATS beats.
 */
export function instanceStatus(entry: Pick<InstanceEntry, 'lastSeenAt' | 'heartbeatMs' | 'stoppedAt'>, now: number): InstanceStatus {
  if (entry.stoppedAt !== null) return 'stopped';
  return now - entry.lastSeenAt > STALE_AFTER_HEARTBEATS * entry.heartbeatMs ? 'stale' : 'running';
}
