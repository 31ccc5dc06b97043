/**
 * A tenant's policies, all in one stream: the front door reads its tail on every call (one short
 * read, as the confirmation policy is read) to know the set is current across processes, which
 * one stream per policy would turn into a read per policy or a wait on a view. Policies change
 * rarely, so one stream costs no contention; concurrent changes are decided again (handleCommand).
 */
export const POLICIES_STREAM = 'policies';

/**
 * Evaluations go to one stream per tenant and UTC day, appended with no expected version: calls
 * never conflict on it (the tenant's hash chain orders them anyway), and yesterday's stream is
 * closed, so event retention can archive it.
 */
export function policyEvaluationsStream(at: Date): string {
  return `policy-evaluations-${at.toISOString().slice(0, 10)}`;
}

export const isPolicyEvaluationsStream = (streamId: string): boolean => streamId.startsWith('policy-evaluations-');

export const POLICIES_ADMIN_SCOPE = 'policies:admin';
export const POLICIES_READ_SCOPE = 'policies:read';
