import { PolicyNotFoundError } from '../../policy.errors.js';
import type { PolicyEvent, PolicyMode } from '../../policy.events.js';
import type { PoliciesState } from '../../policy.state.js';

export interface SetPolicyMode {
  name: string;
  mode: PolicyMode;
}

/** Moves a policy between log-only and enforce; the mode it already has changes nothing. */
export function decideSetPolicyMode(command: SetPolicyMode, state: PoliciesState): PolicyEvent[] {
  const { name, mode } = command;
  const current = state.policies.get(name);
  if (!current) throw new PolicyNotFoundError(name);
  return current.mode === mode ? [] : [{ type: 'PolicyModeChanged', data: { name, version: current.version, mode } }];
}
