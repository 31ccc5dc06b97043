import { Query } from '@nestjs/cqrs';
import type { CommandMetadata, JsonValue } from '#core';
import type { MemoryScope } from '../../memory-stream.js';

export interface GetMemoryResult {
  scope: MemoryScope;
  namespace: string;
  key: string;
  value: JsonValue;
}

export class GetMemoryQuery extends Query<GetMemoryResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly scope: MemoryScope,
    readonly namespace: string,
    readonly key: string,
  ) {
    super();
  }
}
