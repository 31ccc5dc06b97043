import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, JsonValue } from '#core';
import { EVENT_STORE, loadStream, type EventStore } from '#event-store';
import type { RunSummary } from './projections/run-views.js';
import { RunNotFoundError, NotYourRunError } from './run.errors.js';
import { APPROVALS_DECIDE_SCOPE, RUNS_ADMIN_SCOPE } from './run-scopes.js';
import { assertRunId, POLICY_APPROVAL_STEP } from './run-stream.js';
import { runFold, type ActiveRunState } from './run.state.js';
import { RunPersonalData } from './run-personal-data.js';

export interface RunDetails extends Omit<RunSummary, 'updatedAt' | 'lastError'> {
  deadlineAt: string;
  steps: Array<{ id: string; status: string; attempts: number; output: JsonValue | null; retryAt: string | null }>;
  /** `groups`: whom it is offered to (empty: anyone with the approvals scope but the starter); `reminders`: the last that fell due. */
  approval: { approvalId: string; status: string; decidedBy: string | null; reason: string | null; groups: string[]; reminders: number; escalated: boolean } | null;
  /** The approval the tenant's policies asked for before the first step (`approval` while it is the one pending); null when none asked. */
  policyApproval: { groups: string[]; policies: string[]; granted: boolean } | null;
  cancel: { reason: string; requestedBy: string } | null;
  lastError: { stepId: string | null; code: string; message: string } | null;
  streamVersion: number;
}

/** One run, read from its own stream (always current), for its starter, a runs admin or an approver. */
@Injectable()
export class RunReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: RunPersonalData,
  ) {}

  async get(metadata: CommandMetadata, runId: string): Promise<RunDetails> {
    const state = await this.readable(metadata, runId);
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      runId: state.runId,
      automation: state.automation,
      version: state.version,
      status: state.status,
      startedBy: state.startedBy,
      startedAt: iso(state.startedAt)!,
      deadlineAt: iso(state.deadlineAt)!,
      currentStep: state.status === 'running' ? currentStepOf(state) : null,
      // Step outputs are sealed in the stream: opened for the reader (ERASED after a purge).
      steps: await Promise.all(state.stepIds.map(async (id) => {
        const step = state.steps[id]!;
        const output = step.output === undefined ? null : await this.personalData.open(metadata.tenantId, state.runId, step.output);
        return { id, status: step.status, attempts: step.attempt, output, retryAt: iso(step.retryAt) };
      })),
      approval: state.approval && {
        approvalId: state.approval.approvalId, status: state.approval.status, decidedBy: state.approval.decidedBy, reason: state.approval.reason,
        groups: state.approval.groups, reminders: state.approval.reminders, escalated: state.approval.escalated,
      },
      policyApproval: state.policyApproval,
      cancel: state.cancel,
      lastError: state.lastError,
      streamVersion: state.streamVersion,
    };
  }

  /**
   * The run's current state, when the caller may read it: another tenant's run is as missing as
   * one that never was. @throws ValidationError (`run.invalid_id`), RunNotFoundError, NotYourRunError.
   */
  async readable(metadata: CommandMetadata, runId: string): Promise<ActiveRunState> {
    assertRunId(runId);
    const { state } = await loadStream(this.store, metadata.tenantId, runId, runFold);
    if (state.status === 'none') throw new RunNotFoundError(runId);
    const mayReadAny = metadata.scopes.includes(RUNS_ADMIN_SCOPE) || metadata.scopes.includes(APPROVALS_DECIDE_SCOPE);
    if (state.startedBy !== metadata.userId && !mayReadAny) throw new NotYourRunError(runId);
    return state;
  }
}

/** The step the run is at; while it waits for its policies' approval, that approval (as the runs view says too). */
function currentStepOf(state: ActiveRunState): string | null {
  if (state.policyApproval && !state.policyApproval.granted) return POLICY_APPROVAL_STEP;
  return state.stepIds[state.cursor] ?? null;
}
