import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, JsonObject } from '#core';
import type { PolicyApprovalData } from '../../run.events.js';

export interface StartRunResult {
  runId: string;
  automation: string;
  version: number;
  status: string;
  /** The approval the run waits for before its first step, when the tenant's policies asked for one: its id, whom it is offered to and which policies asked. */
  policyApproval?: PolicyApprovalData & { approvalId: string };
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
    /** The approval the tenant's enforced policies ask for before the run's first step (the front door's verdict), if any. */
    readonly policyApproval?: PolicyApprovalData,
  ) {
    super();
  }
}
