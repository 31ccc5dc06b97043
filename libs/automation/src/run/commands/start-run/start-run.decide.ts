import type { JsonObject } from '#core';
import type { PolicyApprovalData, RunEvent } from '../../run.events.js';
import type { RunState } from '../../run.state.js';

export interface StartRun {
  runId: string;
  automation: string;
  version: number;
  input: JsonObject;
  startedBy: string;
  now: number;
  timeoutSeconds: number;
  stepIds: string[];
  secretPins: Record<string, number>;
  shadowVersion?: number;
  policyApproval?: PolicyApprovalData;
}

/** A run starts once: a second start on its stream (a retried call) changes nothing. */
export function decideStartRun(command: StartRun, state: RunState): RunEvent[] {
  if (state.status !== 'none') return [];
  const { runId, automation, version, input, startedBy, now, timeoutSeconds, stepIds, secretPins, shadowVersion, policyApproval } = command;
  const shadow = shadowVersion === undefined ? {} : { shadowVersion };
  return [{ type: 'RunStarted', data: { runId, automation, version, input, startedBy, startedAt: now, deadlineAt: now + timeoutSeconds * 1000, stepIds, secretPins, ...shadow, ...(policyApproval && { policyApproval }) } }];
}
