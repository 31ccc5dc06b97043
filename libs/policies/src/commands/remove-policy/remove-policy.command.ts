import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface RemovePolicyResult {
  name: string;
  removed: true;
}

export class RemovePolicyCommand extends Command<RemovePolicyResult> {
  constructor(readonly metadata: CommandMetadata, readonly name: unknown) {
    super();
  }
}
