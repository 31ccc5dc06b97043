import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, JsonObject } from '#core';
import type { DryRunPlan } from './dry-run.plan.js';

export class DryRunCommand extends Command<DryRunPlan> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly automation: string,
    /** The version to plan; the live one without it. */
    readonly version: number | undefined,
    readonly input: JsonObject,
  ) {
    super();
  }
}
