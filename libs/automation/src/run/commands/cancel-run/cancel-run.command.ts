import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface CancelRunResult {
  runId: string;
  status: string;
}

export class CancelRunCommand extends Command<CancelRunResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly runId: string,
    readonly reason: string,
  ) {
    super();
  }
}
