import type { JsonObject, JsonValue } from '#core';
import type { AutomationDefinition, CallStep } from '../definition/index.js';
import type { CallAction } from '../run/process/next-run-action.js';
import type { PolicyApprovalData } from '../run/run.events.js';
import type { DryRunPlan, PlannedStep } from '../run/commands/dry-run/dry-run.plan.js';
import { simulateRun, type SimulatedCall } from '../run/commands/dry-run/plan-dry-run.js';
import type { LiveAnswer, LiveRunRecord, RunOutcome } from './live-run-record.js';
import { requestDiff } from './request-diff.js';
import type { ComparedCall, ShadowComparison } from './shadow.events.js';

/** Renders and checks a call without sending it (renderDryCall, answerDryCall), answered by `live` when given. */
export type RenderCall = (action: CallAction, step: CallStep, live: LiveAnswer | undefined) => Promise<SimulatedCall>;

export interface ShadowRunInput {
  runId: string;
  automation: string;
  live: { version: number; definition: AutomationDefinition };
  shadow: { version: number; definition: AutomationDefinition };
  /** The live run's input, opened. */
  input: JsonObject;
  startedBy: string;
  startedAt: number;
  /** The approval the tenant's policies asked of the live run before its first step: both plans wait for it, decided as the live run's was. */
  policyApproval?: PolicyApprovalData;
  record: LiveRunRecord;
  render: RenderCall;
}

/**
 * Both versions planned by the dry-run planner on the live run's input, id, starter and start
 * time, each call answered by the live run's answer to the same step and attempt (the last one
 * for attempts beyond), else by the step's dryRunResponse; each approval decided as the live run's
 * was, else granted. The live side is planned too, so both sides' requests come from the same
 * rendering (the secret as the same marker); its outcome and duration are the live run's own.
 */
export async function compareShadowRun(input: ShadowRunInput): Promise<ShadowComparison> {
  const { record } = input;
  const plan = (version: number, definition: AutomationDefinition) => simulateRun({
    dryRunId: input.runId, automation: input.automation, version, definition, input: input.input, requestedBy: input.startedBy, now: input.startedAt,
    ...(input.policyApproval && { policyApproval: input.policyApproval }),
    simulate: (action, step) => input.render(action, step, answerOf(record, action)),
    approve: (stepId) => record.approvals.get(stepId) ?? { decision: 'granted', decidedBy: 'shadow', reason: 'not decided in the live run' },
  });
  const live = await plan(input.live.version, input.live.definition);
  const shadow = await plan(input.shadow.version, input.shadow.definition);
  const calls = compareCalls(live.plan.steps, shadow.plan.steps, { live: input.live.definition, shadow: input.shadow.definition });
  return {
    runId: input.runId, automation: input.automation, liveVersion: input.live.version, shadowVersion: input.shadow.version,
    requestsIdentical: calls.every((call) => call.live && call.shadow && call.differingPaths.length === 0),
    sameSequence: sequenceOf(live.plan) === sequenceOf(shadow.plan),
    live: { outcome: record.outcome, failureClass: record.failureClass, durationMs: record.durationMs },
    shadow: { outcome: shadow.plan.outcome as RunOutcome, failureClass: failureClassOf(shadow.plan), durationMs: shadow.elapsedMs },
    calls,
  };
}

function answerOf(record: LiveRunRecord, action: CallAction): LiveAnswer | undefined {
  const answers = record.calls.get(action.stepId)?.filter((answer) => answer !== undefined);
  if (!answers || answers.length === 0) return undefined;
  return record.calls.get(action.stepId)![action.attempt - 1] ?? answers[answers.length - 1];
}

type PlannedCall = Extract<PlannedStep, { type: 'call' }>;

/** Every call step either side made, in the live plan's order then the shadow's own. */
function compareCalls(live: PlannedStep[], shadow: PlannedStep[], definitions: { live: AutomationDefinition; shadow: AutomationDefinition }): ComparedCall[] {
  const bodyTemplate = (definition: AutomationDefinition, stepId: string): JsonValue | undefined => {
    const step = definition.steps.find((candidate) => candidate.id === stepId);
    return step?.type === 'call' ? step.request.body : undefined;
  };
  const callsOf = (steps: PlannedStep[]) => new Map(steps.filter((step): step is PlannedCall => step.type === 'call').map((step) => [step.stepId, step]));
  const liveCalls = callsOf(live);
  const shadowCalls = callsOf(shadow);
  return [...new Set([...liveCalls.keys(), ...shadowCalls.keys()])].map((stepId) => {
    const a = liveCalls.get(stepId);
    const b = shadowCalls.get(stepId);
    const templates = { live: bodyTemplate(definitions.live, stepId), shadow: bodyTemplate(definitions.shadow, stepId) };
    return { stepId, live: a !== undefined, shadow: b !== undefined, differingPaths: a && b ? requestDiff(a.request, b.request, templates) : [] };
  });
}

function sequenceOf(plan: DryRunPlan): string {
  return plan.steps.map((step) => `${step.stepId}:${step.type}`).join(',');
}

function failureClassOf(plan: DryRunPlan): string | null {
  if (plan.outcome === 'completed') return null;
  return plan.error?.code ?? plan.outcome;
}
