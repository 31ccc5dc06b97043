import { PolicyNotFoundError } from '../../policy.errors.js';
import type { PolicyEvent } from '../../policy.events.js';
import type { PoliciesState } from '../../policy.state.js';

export interface RemovePolicy {
  name: string;
}

export function decideRemovePolicy(command: RemovePolicy, state: PoliciesState): PolicyEvent[] {
  const { name } = command;
  if (!state.policies.has(name)) throw new PolicyNotFoundError(name);
  return [{ type: 'PolicyRemoved', data: { name } }];
}
