import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { MemoryViews } from '../../projections/memory-views.js';
import { ListMemoryQuery, type ListMemoryResult } from './list-memory.query.js';

/** Keys in code-unit order, paged by the last key returned (namespaces are bounded, so paging happens here). */
@QueryHandler(ListMemoryQuery)
export class ListMemoryHandler implements IQueryHandler<ListMemoryQuery> {
  constructor(private readonly views: MemoryViews) {}

  async execute({ metadata, scope, namespace, prefix, limit, cursor }: ListMemoryQuery): Promise<ListMemoryResult> {
    const keys = (await this.views.keys(metadata, scope, namespace)).filter((key) => key.startsWith(prefix) && (cursor === undefined || key > cursor));
    const page = keys.slice(0, limit);
    return { scope, namespace, keys: page, nextCursor: keys.length > limit ? page[page.length - 1]! : null };
  }
}
