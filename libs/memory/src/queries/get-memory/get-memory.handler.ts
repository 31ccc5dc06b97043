import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { MemoryItemNotFoundError } from '../../memory.errors.js';
import { MemoryViews } from '../../projections/memory-views.js';
import { GetMemoryQuery, type GetMemoryResult } from './get-memory.query.js';

@QueryHandler(GetMemoryQuery)
export class GetMemoryHandler implements IQueryHandler<GetMemoryQuery> {
  constructor(private readonly views: MemoryViews) {}

  async execute({ metadata, scope, namespace, key }: GetMemoryQuery): Promise<GetMemoryResult> {
    const value = await this.views.get(metadata, scope, namespace, key);
    if (value === undefined) throw new MemoryItemNotFoundError(namespace, key);
    return { scope, namespace, key, value };
  }
}
