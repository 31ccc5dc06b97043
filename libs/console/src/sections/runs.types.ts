/** The REST API's run answers: the types its controllers answer with. */
export type { RunDetails, RunSummary } from '#automation';

export interface RunEventEntry {
  version: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export const FINISHED = new Set(['completed', 'failed', 'cancelled', 'timed_out']);
export const RUN_STATUSES = ['running', 'cancelling', 'completed', 'failed', 'cancelled', 'timed_out'] as const;
