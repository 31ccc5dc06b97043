import { errorBody } from '../pages/error.page.js';
import { page, type PageContext, type PageResult } from '../pages/page.js';
import { namedInList, notFound } from './name-page.js';
import type { PolicyReport, PolicySummary } from './policies.types.js';

export const POLICIES_READ = 'policies:read';
export const POLICIES_ADMIN = 'policies:admin';

export const policyHref = (name: string): string => `/console/policies/${encodeURIComponent(name)}`;

export async function listPolicies(context: PageContext): Promise<PolicySummary[]> {
  return (await context.api.get<{ policies: PolicySummary[] }>('/v1/policies')).policies;
}

/** The tenant's policy of the address, or undefined. */
export const policyOf = (context: PageContext): Promise<PolicySummary | undefined> => namedInList(context, listPolicies);

/** The report, for one policy or all; `limit` examples per policy and mode, newest first. */
export function reportOf(context: PageContext, options: { policy?: string; limit: number }): Promise<PolicyReport> {
  return context.api.get<PolicyReport>('/v1/policy-report', { policy: options.policy, limit: options.limit });
}

export { notFound };

/** A form that changes policies, for someone who may only read them: not shown (the API refuses its POST anyway). */
export const adminOnly = (): PageResult => page('Not allowed', errorBody(`Changing policies needs ${POLICIES_ADMIN}, which your sign-in does not hold.`), 403);
