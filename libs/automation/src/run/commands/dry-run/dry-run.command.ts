import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, JsonObject } from '#core';
import type { PolicyApprovalData } from '../../run.events.js';
import type { DryRunPlan } from './dry-run.plan.js';

export class DryRunCommand extends Command<DryRunPlan> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly automation: string,
    /** The version to plan; the live one without it. */
    readonly version: number | undefined,
    readonly input: JsonObject,
    /** The approval the tenant's policies would ask for before the run's first step: the plan lists it. */
    readonly policyApproval?: PolicyApprovalData,
  ) {
    super();
  }
}
