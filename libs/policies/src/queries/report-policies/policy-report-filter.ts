import { InvalidPolicyInputError } from '../../policy.errors.js';
import { parsePolicyName } from '../../policy-input.js';
import type { PolicyReportFilter } from './policy-report.js';

export const DEFAULT_REPORT_EXAMPLES = 5;
export const MAX_REPORT_EXAMPLES = 50;
const FILTER_KEYS = new Set(['since', 'policy', 'limit']);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `since` an ISO-8601 instant (normalised to the view's UTC milliseconds), `policy` a name, `limit` examples 1-50. */
export function parseReportFilter(input: Readonly<Record<string, unknown>>): PolicyReportFilter {
  const unknown = Object.keys(input).find((key) => !FILTER_KEYS.has(key));
  if (unknown !== undefined) throw invalid(unknown, 'not a filter of the report (since, policy, limit)');
  const filter: PolicyReportFilter = { limit: DEFAULT_REPORT_EXAMPLES };
  if (input.since !== undefined) {
    const at = typeof input.since === 'string' && ISO_INSTANT.test(input.since) ? new Date(input.since) : undefined;
    if (at === undefined || Number.isNaN(at.getTime())) throw invalid('since', 'an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z');
    filter.since = at.toISOString();
  }
  if (input.policy !== undefined) filter.policy = parsePolicyName(input.policy);
  if (input.limit !== undefined) {
    if (typeof input.limit !== 'number' || !Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_REPORT_EXAMPLES) throw invalid('limit', `a whole number from 1 to ${MAX_REPORT_EXAMPLES}`);
    filter.limit = input.limit;
  }
  return filter;
}

function invalid(path: string, message: string): InvalidPolicyInputError {
  return new InvalidPolicyInputError('policy.invalid_report_query', `invalid report query: ${path}: ${message}`, { issues: [{ path, message }] });
}
