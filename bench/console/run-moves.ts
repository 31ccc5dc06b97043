// The appends a seeded run makes, in the shapes the platform writes (libs/automation/src/run:
// run.events.ts, the saga in process/, the start, cancel and decide handlers): the start with the
// agent's metadata, the saga's steps, a person's cancel or decision through the console. The run's
// input, call outputs, approval prompt and outputs are sealed for its starter (run-personal-data.ts).
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '#core';
import type { EventMetadata, NewEvent } from '#event-store';
import type { RunEvent } from '../../libs/automation/src/run/run.events.js';
import type { RunPlan } from './run-plans.js';

/** One append of a run, made as it is written: `now` is the log's clock then. */
export type RunMove = (now: number) => Promise<NewEvent[]>;

/** Seals a value as the run starter's personal data, bound to the run. */
export type SealForRun = (value: JsonValue) => Promise<JsonObject>;

const LEASE_MS = 15_000;
const RETRY_DELAY_MS = 2_000;

function runEvent<T extends RunEvent['type']>(type: T, data: Extract<RunEvent, { type: T }>['data'], metadata: EventMetadata): NewEvent {
  return { type, data: data as JsonObject, metadata };
}

/** Every append of the run, in order; the last one ends it (or leaves it waiting for its approval). */
export function movesOf(plan: RunPlan, seal: SealForRun): RunMove[] {
  const { runId, automation, startedBy, outcome, endsAt } = plan;
  const saga: EventMetadata = { clientId: 'ledgerline-saga', correlationId: runId };
  const agent: EventMetadata = { userId: startedBy, clientId: `agent-${startedBy}`, grantId: `grant-agent-${startedBy}`, scopes: [`automation:${automation.name}`, 'runs:read'], tool: automation.name, correlationId: randomUUID() };
  const atConsole = (userId: string, scopes: string[], tool: string): EventMetadata => ({ userId, clientId: 'ledgerline-console', grantId: `grant-console-${userId}`, scopes, tool, correlationId: randomUUID() });
  const outputs: Record<string, JsonValue> = {};
  const moves: RunMove[] = [];
  const add = (move: RunMove): void => void moves.push(move);

  add(async (now) => [runEvent('RunStarted', {
    runId, automation: automation.name, version: 1, input: await seal({ customer: `C-${runId.slice(-6)}`, amount: 120.5, email: `${startedBy}@example.com` }), startedBy,
    startedAt: now, deadlineAt: now + automation.timeoutSeconds * 1000, stepIds: automation.steps.map((step) => step.id),
    secretPins: Object.fromEntries([...new Set(automation.steps.flatMap((step) => (step.connector ? [step.connector] : [])))].sort().map((connector) => [connector, 0])),
  }, agent)]);

  const cancel = (from: number): void => {
    add(async () => [runEvent('RunCancelRequested', { reason: 'no longer needed', requestedBy: startedBy }, atConsole(startedBy, ['runs:read', 'runs:cancel'], 'rest:POST /v1/runs/:runId/cancel'))]);
    add(async () => automation.steps.slice(from).map((step) => runEvent('StepSkipped', { stepId: step.id, reason: 'run cancelled' }, saga)));
    add(async () => [runEvent('RunCancelled', { reason: 'no longer needed', requestedBy: startedBy, compensated: [], compensationFailed: [] }, saga)]);
  };

  for (const [index, step] of automation.steps.entries()) {
    const stepId = step.id;
    const last = index === endsAt;
    if (step.connector === undefined) {
      const approvalId = `${runId}.${stepId}`;
      add(async () => [runEvent('ApprovalRequested', { approvalId, stepId, prompt: await seal(`Go ahead with ${automation.name} for ${startedBy}?`), requestedBy: startedBy, deadlineAt: null }, saga)]);
      if (last && outcome === 'running') return moves;
      if (last && outcome === 'cancelled') {
        cancel(index);
        return moves;
      }
      const decided = atConsole(plan.approver, ['approvals:decide', 'runs:read'], 'rest:POST /v1/approvals/:approvalId/decision');
      if (last && outcome === 'failed') {
        add(async () => [runEvent('ApprovalDenied', { approvalId, stepId, decidedBy: plan.approver, reason: 'not this time' }, decided)]);
        add(async () => [runEvent('RunFailed', { reason: 'approval.denied', stepId, message: `denied by ${plan.approver}: not this time` }, saga)]);
        return moves;
      }
      add(async () => [runEvent('ApprovalGranted', { approvalId, stepId, decidedBy: plan.approver, reason: 'fine' }, decided)]);
      outputs[stepId] = { approved: true, decidedBy: plan.approver, reason: 'fine' };
      continue;
    }
    const connector = step.connector;
    const path = `POST ${connector}.example.com/${stepId}`;
    const started = (attempt: number): RunMove => async (now) => [runEvent('StepStarted', { stepId, attempt, startedAt: now, leaseUntil: now + LEASE_MS }, saga)];
    let attempt = 1;
    if (plan.retried.has(index) || (last && outcome === 'failed')) {
      add(started(attempt));
      add(async (now) => [runEvent('StepFailed', {
        stepId, attempt, errorClass: 'server', code: 'connector.http_5xx', message: `${path} answered 503`, status: 503, retryAt: now + RETRY_DELAY_MS,
        connectorCall: { connector, ok: false, status: 503, errorClass: 'server' },
      }, saga)]);
      attempt += 1;
    }
    add(started(attempt));
    if (last && outcome === 'failed') {
      const failedAttempt = attempt;
      const message = `${path} answered 422`;
      add(async () => [
        runEvent('StepFailed', { stepId, attempt: failedAttempt, errorClass: 'client', code: 'connector.http_4xx', message, status: 422, retryAt: null, connectorCall: { connector, ok: false, status: 422, errorClass: 'client' } }, saga),
        runEvent('RunFailed', { reason: 'step.not_retryable', stepId, message: `step ${stepId} failed after ${failedAttempt} attempt(s): ${message}` }, saga),
      ]);
      return moves;
    }
    const output = { status: 200, body: { id: `${connector}-${runId.slice(-8)}`, ok: true } };
    outputs[stepId] = output;
    const succeededAttempt = attempt;
    add(async () => [runEvent('StepSucceeded', { stepId, attempt: succeededAttempt, output: await seal(output), connectorCall: { connector, ok: true, status: 200, errorClass: null } }, saga)]);
    if (last && outcome === 'cancelled') {
      cancel(index + 1);
      return moves;
    }
  }
  add(async () => [runEvent('RunCompleted', { outputs: await seal(outputs) }, saga)]);
  return moves;
}
