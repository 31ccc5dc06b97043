/** The topics of runs the saga failed on, beside an events topic: delayed retries, then dead letters. */
export interface RunRetryTopics {
  /** One per delay: a run's n-th failure waits in the n-th, its delay before it is tried again. */
  retries: Array<{ topic: string; delayMs: number }>;
  /** Runs that failed once more than there are retry topics; an operator lists and redrives them (`cli dlq`). */
  deadLetters: string;
  /** Redrive requests: a run put back to work, its failure count reset. */
  redrives: string;
}

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 10_000, 60_000];

export function runRetryTopics(eventsTopic: string, delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS): RunRetryTopics {
  return {
    retries: delaysMs.map((delayMs, index) => ({ topic: `${eventsTopic}.retry.${index + 1}`, delayMs })),
    deadLetters: `${eventsTopic}.dlq`,
    redrives: `${eventsTopic}.redrive`,
  };
}

/** A message of the retry, dead-letter and redrive topics (JSON, keyed by tenant/run). */
export interface RunRetryMessage {
  tenantId: string;
  runId: string;
  error: string;
  failures: number;
  at: string;
  /** Not to be tried before this time (epoch ms); 0 for dead letters and redrives. */
  notBefore: number;
}
