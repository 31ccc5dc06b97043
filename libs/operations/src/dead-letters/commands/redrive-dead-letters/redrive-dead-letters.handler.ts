import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OperationsKafka } from '../../../kafka/operations-kafka.js';
import { DeadLettersNotFoundError, KafkaNotConfiguredError, RedriveSelectionError, type RunRef } from '../../../operations.errors.js';
import { DeadLetters } from '../../dead-letters.js';
import { RedriveDeadLettersCommand, type RedriveSelection } from './redrive-dead-letters.command.js';

/**
 * Redrives dead-lettered runs, all or nothing: a run named that is not waiting in the dead
 * letters refuses the whole request. The redrive topic keeps the request; who asked (the CLI
 * records no one) is in the log line.
 */
@CommandHandler(RedriveDeadLettersCommand)
export class RedriveDeadLettersHandler implements ICommandHandler<RedriveDeadLettersCommand> {
  private readonly logger = new Logger('DeadLetters');

  constructor(
    private readonly kafka: OperationsKafka,
    private readonly deadLetters: DeadLetters,
  ) {}

  async execute({ metadata, selection }: RedriveDeadLettersCommand): Promise<{ redriven: RunRef[] }> {
    const named = namedRuns(selection);
    if (!this.kafka.configured) throw new KafkaNotConfiguredError();
    const waiting = await this.deadLetters.waiting();
    const isWaiting = (run: RunRef): boolean => waiting.some((entry) => entry.tenantId === run.tenantId && entry.runId === run.runId);
    const runs = named ?? waiting.map(({ tenantId, runId }) => ({ tenantId, runId }));
    const unknown = runs.filter((run) => !isWaiting(run));
    if (unknown.length > 0) throw new DeadLettersNotFoundError(unknown);
    if (runs.length > 0) await this.deadLetters.redrive(runs);
    this.logger.log({
      msg: `redrove ${runs.length} dead-lettered run(s) for ${metadata.tenantId}/${metadata.userId}`,
      redrive: { operator: { tenantId: metadata.tenantId, userId: metadata.userId, clientId: metadata.clientId }, correlationId: metadata.correlationId, runs },
    });
    return { redriven: runs };
  }
}

/** The runs named, once each; undefined for all. */
function namedRuns(selection: RedriveSelection): RunRef[] | undefined {
  if ((selection.all === true) === (selection.runs !== undefined)) throw new RedriveSelectionError();
  if (selection.all) return undefined;
  const unique = new Map(selection.runs!.map((run) => [`${run.tenantId}/${run.runId}`, { tenantId: run.tenantId, runId: run.runId }]));
  return [...unique.values()];
}
