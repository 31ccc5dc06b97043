import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { RunScheduler } from '../../process/run-scheduler.js';
import { runDecider } from '../../run.decider.js';
import { RUNS_ADMIN_SCOPE } from '../../run-scopes.js';
import { assertRunId } from '../../run-stream.js';
import { CancelRunCommand, type CancelRunResult } from './cancel-run.command.js';
import { decideCancelRun } from './cancel-run.decide.js';

const cancelRunDecider = runDecider(decideCancelRun);

@CommandHandler(CancelRunCommand)
export class CancelRunHandler implements ICommandHandler<CancelRunCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly scheduler: RunScheduler,
  ) {}

  async execute({ metadata, runId, reason }: CancelRunCommand): Promise<CancelRunResult> {
    assertRunId(runId);
    const command = { runId, reason, requestedBy: metadata.userId, mayCancelAnyRun: metadata.scopes.includes(RUNS_ADMIN_SCOPE) };
    const { state } = await handleCommand(this.store, metadata, runId, cancelRunDecider, command, { runId, reason });
    this.scheduler.poke(metadata.tenantId, runId);
    return { runId, status: state.status };
  }
}
