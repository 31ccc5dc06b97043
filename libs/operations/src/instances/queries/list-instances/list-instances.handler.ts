import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InstanceRegistry } from '../../instance-registry.js';
import { ListInstancesQuery, type InstanceView } from './list-instances.query.js';

@QueryHandler(ListInstancesQuery)
export class ListInstancesHandler implements IQueryHandler<ListInstancesQuery> {
  constructor(private readonly registry: InstanceRegistry) {}

  async execute(): Promise<{ instances: InstanceView[] }> {
    const entries = await this.registry.list(Date.now());
    const iso = (epochMs: number): string => new Date(epochMs).toISOString();
    return {
      instances: entries.map((entry) => ({
        ...entry,
        startedAt: iso(entry.startedAt),
        lastSeenAt: iso(entry.lastSeenAt),
        stoppedAt: entry.stoppedAt === null ? null : iso(entry.stoppedAt),
      })),
    };
  }
}
