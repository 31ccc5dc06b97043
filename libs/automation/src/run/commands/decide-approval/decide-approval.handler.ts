import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { ApproverGroups } from '../../../group/approver-groups.js';
import { RunScheduler } from '../../process/run-scheduler.js';
import { runDecider } from '../../run.decider.js';
import { parseApprovalId } from '../../run-stream.js';
import { DecideApprovalCommand, type DecideApprovalResult } from './decide-approval.command.js';
import { decideApproval } from './decide-approval.decide.js';

const decideApprovalDecider = runDecider(decideApproval);

@CommandHandler(DecideApprovalCommand)
export class DecideApprovalHandler implements ICommandHandler<DecideApprovalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly scheduler: RunScheduler,
    private readonly groups: ApproverGroups,
  ) {}

  async execute({ metadata, approvalId, decision, reason }: DecideApprovalCommand): Promise<DecideApprovalResult> {
    const { runId, stepId } = parseApprovalId(approvalId);
    const command = { approvalId, stepId, decision, reason, decidedBy: metadata.userId, deciderGroups: await this.groups.of(metadata), now: Date.now() };
    await handleCommand(this.store, metadata, runId, decideApprovalDecider, command, { approvalId, decision, reason });
    this.scheduler.poke(metadata.tenantId, runId);
    return { approvalId, runId, decision };
  }
}
