import { z } from 'zod';
import { MAX_REPORT_EXAMPLES } from '../queries/report-policies/policy-report-filter.js';
import { MAX_POLICY_TEXT_BYTES, POLICY_NAME } from '../policy.limits.js';

/** The argument and result schemas the policy tools share. */
export const policyNameArg = z.string().regex(POLICY_NAME).describe('the policy\'s name: 1-64 of a-z 0-9 _ -, starting with a letter');
export const policyModeArg = z.enum(['log-only', 'enforce']).describe('log-only: evaluated and recorded, never refuses; enforce: a forbid refuses the call');
export const policyTextArg = z.string().max(MAX_POLICY_TEXT_BYTES).describe('Cedar policies over principal (User: groups, client, scopes), Action::"call", resource (Tool: scope, automation) and context (arguments, argumentKeys); see docs/policies.md');
export const policyChangeOutput = z.object({ name: z.string(), version: z.number().int(), mode: z.enum(['log-only', 'enforce']), changed: z.boolean() });
export const reportLimitArg = z.number().int().min(1).max(MAX_REPORT_EXAMPLES);
