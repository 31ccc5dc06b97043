import type { Decider } from '#core';
import { decidePublishPolicy, type PublishPolicy } from './commands/publish-policy/publish-policy.decide.js';
import { decideRemovePolicy, type RemovePolicy } from './commands/remove-policy/remove-policy.decide.js';
import { decideSetPolicyMode, type SetPolicyMode } from './commands/set-policy-mode/set-policy-mode.decide.js';
import type { PolicyEvent } from './policy.events.js';
import { copyPoliciesState, evolvePolicies, initialPoliciesState, type PoliciesState } from './policy.state.js';

const fold = { initialState: initialPoliciesState, evolve: evolvePolicies, copy: copyPoliciesState };

export const publishPolicyDecider: Decider<PublishPolicy, PoliciesState, PolicyEvent> = { ...fold, decide: decidePublishPolicy };
export const setPolicyModeDecider: Decider<SetPolicyMode, PoliciesState, PolicyEvent> = { ...fold, decide: decideSetPolicyMode };
export const removePolicyDecider: Decider<RemovePolicy, PoliciesState, PolicyEvent> = { ...fold, decide: decideRemovePolicy };
/** How the policies stream folds, for readers. */
export const policiesFold = fold;
