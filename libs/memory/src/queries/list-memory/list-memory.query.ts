import { Query } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { MemoryScope } from '../../memory-stream.js';

export interface ListMemoryResult {
  scope: MemoryScope;
  namespace: string;
  keys: string[];
  nextCursor: string | null;
}

export class ListMemoryQuery extends Query<ListMemoryResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly scope: MemoryScope,
    readonly namespace: string,
    readonly prefix: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
