import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface SetGroupResult {
  group: string;
  members: string[];
  /** False when the group already had exactly these members (nothing appended). */
  changed: boolean;
}

export class SetGroupCommand extends Command<SetGroupResult> {
  constructor(readonly metadata: CommandMetadata, readonly group: unknown, readonly members: unknown) {
    super();
  }
}
