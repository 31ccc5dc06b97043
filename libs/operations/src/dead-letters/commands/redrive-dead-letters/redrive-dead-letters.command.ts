import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { RunRef } from '../../../operations.errors.js';

/** Which dead letters to redrive: the runs named, or all of them (exactly one of the two). */
export interface RedriveSelection {
  runs?: readonly RunRef[];
  all?: boolean;
}

export class RedriveDeadLettersCommand extends Command<{ redriven: RunRef[] }> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly selection: RedriveSelection,
  ) {
    super();
  }
}
