import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { MemoryScope } from '../../memory-stream.js';

export interface DeleteMemoryResult {
  scope: MemoryScope;
  namespace: string;
  key: string;
  streamVersion: number;
}

export class DeleteMemoryCommand extends Command<DeleteMemoryResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly scope: MemoryScope,
    readonly namespace: string,
    readonly key: string,
  ) {
    super();
  }
}
