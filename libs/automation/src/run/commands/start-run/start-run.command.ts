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
    /** The version whose input schema the arguments were checked against: the run keeps it. */
    readonly version: number,
    readonly input: JsonObject,
    /** The shadow version live when the tool was looked up: the run is compared with it when it ends. */
    readonly shadowVersion?: number,
  ) {
    super();
  }
}
