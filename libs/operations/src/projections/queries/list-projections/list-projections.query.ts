import { Query } from '@nestjs/cqrs';

/** An online replay (`ledgerline replay`) whose shadow tables are not switched in yet. */
export interface ReplayView {
  generation: number;
  /** The one tenant whose rows it rebuilds; null: every tenant's. */
  tenantId: string | null;
  /** The shadow holds the log up to here. */
  position: number;
  /** The live checkpoint it catches up to before it switches in. */
  target: number;
  /** position / target, 0 to 1. */
  progress: number;
  /** Its last batch (ISO-8601 UTC): a replay at work moves it every batch; an interrupted one waits for the same command again. Null if written by an older replay. */
  updatedAt: string | null;
}

export interface ProjectionStatusView {
  name: string;
  /** The projection's version in this process's code. */
  version: number;
  /** The version of the view as built; a different one is rebuilt from the log at the next start of a process that applies it. Null: not built yet. */
  storedVersion: number | null;
  /** Every event of the log up to here is in the view (for a view fed by Kafka: the lowest of its partitions). Null: not built yet. */
  checkpoint: number | null;
  /** A view fed by Kafka's views topic: each partition's position; null for a view that follows the log. */
  partitions: number[] | null;
  /** Events of the log after the checkpoint: head − checkpoint. */
  lag: number;
  replay: ReplayView | null;
}

export interface ProjectionsView {
  /** The last committed position of the log. */
  head: number;
  projections: ProjectionStatusView[];
}

export class ListProjectionsQuery extends Query<ProjectionsView> {}
