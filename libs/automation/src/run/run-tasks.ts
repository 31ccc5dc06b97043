import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { McpTaskSource, type ToolTask, type ToolTaskPage, type ToolTaskSource } from '#mcp/nest';
import { CancelRunCommand } from './commands/cancel-run/cancel-run.command.js';
import { RunViews } from './projections/run-views.js';
import { runListFilterOf } from './queries/list-runs/run-list-filter.js';
import { RunReader, type RunDetails } from './run-reader.js';
import { NotYourRunError, RunNotFoundError } from './run.errors.js';

/** A run followed as a task is polled about this often (the client is told; the saga's steps take about as long). */
export const RUN_TASK_POLL_INTERVAL_MS = 1000;
const TASK_PAGE = 50;

/**
 * An automation run is the task its tool call started: the task id is the run id, and everything a
 * client polls is read from the run's own stream (consistent the moment the call answers: the run
 * started before it did), so any instance answers for any task and nothing lives in memory. A task
 * is its starter's: another user's run, even one a runs admin could read, is not found here.
 */
@McpTaskSource()
export class RunTasks implements ToolTaskSource {
  constructor(
    private readonly runs: RunReader,
    private readonly views: RunViews,
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async get(metadata: CommandMetadata, taskId: string): Promise<ToolTask> {
    return this.taskOf(metadata, await this.ownRun(metadata, taskId));
  }

  async cancel(metadata: CommandMetadata, taskId: string): Promise<ToolTask> {
    const run = await this.ownRun(metadata, taskId);
    if (run.status !== 'running') return this.taskOf(metadata, run);
    await this.commandBus.execute(new CancelRunCommand(metadata, taskId, 'cancelled by the client through tasks/cancel'));
    return this.get(metadata, taskId);
  }

  async list(metadata: CommandMetadata, cursor: string | undefined): Promise<ToolTaskPage> {
    const filter = runListFilterOf({ allUsers: false, limit: TASK_PAGE, ...(cursor !== undefined && { cursor }) }, metadata);
    const page = await this.views.listRuns(metadata, filter);
    const tasks = page.runs.map((run): ToolTask => ({
      taskId: run.runId,
      status: statusOf(run.status, false),
      statusMessage: `${run.automation} v${run.version}: ${run.status}`,
      createdAt: run.startedAt,
      lastUpdatedAt: run.updatedAt,
    }));
    return { tasks, ...(page.nextCursor !== null && { nextCursor: page.nextCursor }) };
  }

  private async ownRun(metadata: CommandMetadata, runId: string): Promise<RunDetails> {
    let run: RunDetails;
    try {
      run = await this.runs.get(metadata, runId);
    } catch (error) {
      if (error instanceof NotYourRunError) throw new RunNotFoundError(runId);
      throw error;
    }
    if (run.startedBy !== metadata.userId) throw new RunNotFoundError(runId);
    return run;
  }

  private async taskOf(metadata: CommandMetadata, run: RunDetails): Promise<ToolTask> {
    const [last] = await this.store.readStream(metadata.tenantId, run.runId, { fromVersion: run.streamVersion });
    const pending = run.approval?.status === 'pending' && (run.status === 'running' || run.status === 'cancelling') ? run.approval : null;
    const status = statusOf(run.status, pending !== null);
    const task: ToolTask = {
      taskId: run.runId,
      status,
      statusMessage: messageOf(run, pending?.approvalId),
      createdAt: run.startedAt,
      lastUpdatedAt: last?.recordedAt ?? run.startedAt,
    };
    if (pending) {
      task.waitingFor = {
        key: `approval-${pending.approvalId}`,
        message: `The run of ${run.automation} waits for a person to approve step ${run.currentStep ?? ''}; someone other than you decides it in the console.`,
        url: `/console/approvals/${encodeURIComponent(pending.approvalId)}`,
      };
    }
    if (status === 'completed' || status === 'failed') {
      task.result = { content: [{ type: 'text', text: JSON.stringify(run) }], structuredContent: run as unknown as Record<string, unknown>, ...(status === 'failed' && { isError: true }) };
    }
    return task;
  }
}

function statusOf(runStatus: string, awaitingApproval: boolean): ToolTask['status'] {
  switch (runStatus) {
    case 'completed': return 'completed';
    case 'failed':
    case 'timed_out': return 'failed';
    case 'cancelled': return 'cancelled';
    default: return awaitingApproval ? 'input_required' : 'working';
  }
}

function messageOf(run: RunDetails, approvalId: string | undefined): string {
  if (approvalId !== undefined && run.policyApproval && !run.policyApproval.granted) return `waiting for approval ${approvalId} by ${run.policyApproval.groups.join(' or ')} (policy ${run.policyApproval.policies.join(', ')}), before the first step`;
  if (approvalId !== undefined) return `waiting for approval ${approvalId} (step ${run.currentStep ?? '?'})`;
  if (run.status === 'failed' || run.status === 'timed_out') return `the run ${run.status === 'failed' ? 'failed' : 'timed out'}${run.lastError ? `: ${run.lastError.code}: ${run.lastError.message}` : ''}`;
  if (run.status === 'cancelling') return 'cancelling: compensations are running';
  if (run.status === 'running') return run.currentStep ? `running step ${run.currentStep}` : 'running';
  return `the run ${run.status}`;
}
