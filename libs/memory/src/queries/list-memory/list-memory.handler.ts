import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { readMemoryNamespace } from '../read-memory-namespace.js';
import { ListMemoryQuery, type ListMemoryResult } from './list-memory.query.js';

/** Keys in code-unit order, paged by the last key returned. */
@QueryHandler(ListMemoryQuery)
export class ListMemoryHandler implements IQueryHandler<ListMemoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, scope, namespace, prefix, limit, cursor }: ListMemoryQuery): Promise<ListMemoryResult> {
    const { items } = await readMemoryNamespace(this.store, metadata, scope, namespace);
    const keys = [...items.keys()].filter((key) => key.startsWith(prefix) && (cursor === undefined || key > cursor)).sort();
    const page = keys.slice(0, limit);
    return { scope, namespace, keys: page, nextCursor: keys.length > limit ? page[page.length - 1]! : null };
  }
}
