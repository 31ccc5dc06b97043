/** A run the saga could not carry forward: not a step that failed (that is recorded in the run), the platform failing on it. */
export interface RunFailure {
  tenantId: string;
  runId: string;
  /** The error's message; never a secret (connector errors are redacted at the source). */
  error: string;
  /** How many times in a row it failed. */
  failures: number;
  at: string;
}

/**
 * Takes repeated failures off the scheduler's hands: retries later through durable retry topics,
 * or dead-letters the run for an operator. Without one, the scheduler retries in process with
 * growing delays.
 */
export interface RunFailureHandler {
  handle(failure: RunFailure): Promise<void>;
}
