import { ValidationError } from '#core';
import { validatePolicyText } from '../../cedar/policy-validation.js';
import type { PolicyEvent, PolicyMode } from '../../policy.events.js';
import { MAX_POLICIES_PER_TENANT } from '../../policy.limits.js';
import type { PoliciesState } from '../../policy.state.js';

/** Name, mode and text already parsed at the edge (policy-input.ts). */
export interface PublishPolicy {
  name: string;
  text: string;
  mode: PolicyMode;
}

/**
 * Validates the text against the Ledgerline schema (nothing invalid is ever appended) and
 * publishes it as the policy's next version. The same text again changes only the mode, if that
 * differs; the same text and mode change nothing.
 */
export function decidePublishPolicy(command: PublishPolicy, state: PoliciesState): PolicyEvent[] {
  const { name, mode, text } = command;
  validatePolicyText(name, text);
  const current = state.policies.get(name);
  if (current && current.text === text) return current.mode === mode ? [] : [{ type: 'PolicyModeChanged', data: { name, version: current.version, mode } }];
  if (!current && state.policies.size >= MAX_POLICIES_PER_TENANT) {
    throw new ValidationError('policy.too_many', `the tenant already has ${MAX_POLICIES_PER_TENANT} policies`, { limit: MAX_POLICIES_PER_TENANT });
  }
  return [{ type: 'PolicyPublished', data: { name, version: (state.lastVersions.get(name) ?? 0) + 1, text, mode } }];
}
