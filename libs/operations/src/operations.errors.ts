import { IllegalStateError, NotFoundError, UnavailableError, ValidationError } from '#core';

export interface RunRef {
  tenantId: string;
  runId: string;
}

/** Dead letters and consumer groups live in the scale-out Kafka: without KAFKA_BROKERS there are none to act on. */
export class KafkaNotConfiguredError extends IllegalStateError {
  constructor() {
    super('operations.kafka.not_configured', 'KAFKA_BROKERS is not set: dead letters live in the scale-out Kafka, and this installation has none (runs are retried in process)');
  }
}

export class KafkaUnavailableError extends UnavailableError {
  constructor(cause: unknown) {
    super('operations.kafka.unavailable', `Kafka does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, 5000, {}, { cause });
  }
}

/** A redrive names runs, or asks for all of them: one of the two. */
export class RedriveSelectionError extends ValidationError {
  constructor() {
    super('operations.dead_letters.redrive_what', 'name the runs to redrive ({"runs": [{"tenantId", "runId"}, …]}) or ask for all ({"all": true}), not both');
  }
}

/** Runs not waiting in the dead letters (never dead-lettered, or redriven already): nothing was redriven. */
export class DeadLettersNotFoundError extends NotFoundError {
  constructor(runs: readonly RunRef[]) {
    super('operations.dead_letters.not_found', `not in the dead letters: ${runs.map((run) => `${run.tenantId}/${run.runId}`).join(', ')}; nothing was redriven`, { runs });
  }
}
