import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { MemoryItemNotFoundError } from '../../memory.errors.js';
import { readMemoryNamespace } from '../read-memory-namespace.js';
import { GetMemoryQuery, type GetMemoryResult } from './get-memory.query.js';

@QueryHandler(GetMemoryQuery)
export class GetMemoryHandler implements IQueryHandler<GetMemoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, scope, namespace, key }: GetMemoryQuery): Promise<GetMemoryResult> {
    const { items } = await readMemoryNamespace(this.store, metadata, scope, namespace);
    const value = items.get(key);
    if (value === undefined) throw new MemoryItemNotFoundError(namespace, key);
    return { scope, namespace, key, value };
  }
}
