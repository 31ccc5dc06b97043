import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OperationsKafka } from '../../../kafka/operations-kafka.js';
import { DeadLetters } from '../../dead-letters.js';
import { ListDeadLettersQuery, type DeadLettersView } from './list-dead-letters.query.js';

@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(
    private readonly kafka: OperationsKafka,
    private readonly deadLetters: DeadLetters,
  ) {}

  async execute(): Promise<DeadLettersView> {
    if (!this.kafka.configured) return { kafka: false, deadLetters: [] };
    const waiting = await this.deadLetters.waiting();
    return { kafka: true, deadLetters: waiting.map(({ tenantId, runId, failures, error, at }) => ({ tenantId, runId, failures, error, at })) };
  }
}
