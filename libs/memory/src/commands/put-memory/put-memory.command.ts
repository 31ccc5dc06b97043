import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, JsonValue } from '#core';
import type { MemoryScope } from '../../memory-stream.js';

export interface PutMemoryResult {
  scope: MemoryScope;
  namespace: string;
  key: string;
  changed: boolean;
  streamVersion: number | null;
}

export class PutMemoryCommand extends Command<PutMemoryResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly scope: MemoryScope,
    readonly namespace: string,
    readonly key: string,
    readonly value: JsonValue,
  ) {
    super();
  }
}
