import { InvalidPolicyInputError } from './policy.errors.js';
import { POLICY_MODES, type PolicyMode } from './policy.events.js';
import { MAX_POLICY_TEXT_BYTES, POLICY_NAME } from './policy.limits.js';

/** The checks every edge (tool, REST) shares, so bad input gets the same typed error wherever it comes from. */
export function parsePolicyName(value: unknown): string {
  if (typeof value === 'string' && POLICY_NAME.test(value)) return value;
  throw new InvalidPolicyInputError('policy.invalid_name', 'a policy name is 1-64 of a-z 0-9 _ -, starting with a letter', { issues: [{ path: 'name', message: POLICY_NAME.source }] });
}

export function parsePolicyMode(value: unknown): PolicyMode {
  if (typeof value === 'string' && (POLICY_MODES as readonly string[]).includes(value)) return value as PolicyMode;
  throw new InvalidPolicyInputError('policy.invalid_mode', "mode is 'log-only' or 'enforce'", { issues: [{ path: 'mode', message: POLICY_MODES.join(' | ') }] });
}

export function parsePolicyText(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidPolicyInputError('policy.invalid_text', 'text is the policy in Cedar', { issues: [{ path: 'text', message: 'a string' }] });
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_POLICY_TEXT_BYTES) throw new InvalidPolicyInputError('policy.text_too_large', `the policy is ${bytes} bytes, more than the limit of ${MAX_POLICY_TEXT_BYTES}`, { bytes, limit: MAX_POLICY_TEXT_BYTES });
  return value;
}
