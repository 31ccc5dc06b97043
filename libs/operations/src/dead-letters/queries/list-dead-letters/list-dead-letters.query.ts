import { Query } from '@nestjs/cqrs';

/** A run waiting in the dead letters. */
export interface DeadLetterView {
  tenantId: string;
  runId: string;
  /** Failures before it was dead-lettered (the retry topics' count plus one). */
  failures: number;
  /** Why the last attempt failed. */
  error: string;
  /** When it was dead-lettered (ISO-8601 UTC). */
  at: string;
}

/** `kafka: false`: KAFKA_BROKERS is not set, so there are no dead letters (runs are retried in process). */
export interface DeadLettersView {
  kafka: boolean;
  deadLetters: DeadLetterView[];
}

export class ListDeadLettersQuery extends Query<DeadLettersView> {}
