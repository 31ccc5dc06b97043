import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, JsonObject } from '#core';

export interface StartRunResult {
  runId: string;
  automation: string;
  version: number;
  status: string;
}

export class StartRunCommand extends Command<StartRunResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly automation: string,
    readonly input: JsonObject,
  ) {
    super();
  }
}
