import { createHash } from 'node:crypto';

/**
 * A tenant's data keys fall into rings, each a key-id prefix: a ring's keys are `<ring>k<n>`, and
 * destroying a ring shreds everything its keys sealed. The prefixes are unambiguous under LIKE
 * (no `_` or `%`), and `k` is not a hex digit, so no ring's pattern matches another ring's keys.
 */
export const SECRETS_RING = '';
/** The tenant's own personal data: what no single user owns (tenant-wide memory, run data). */
export const TENANT_PERSONAL_RING = 'pd.';

/**
 * One data subject's personal data (a user of the tenant). The user id is hashed: key ids are
 * bounded (64 characters) and the key table need not list user ids.
 */
export function subjectRing(subject: string): string {
  return `pd.${createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 32)}.`;
}

/** The LIKE pattern of a ring's keys. */
export function ringPattern(ring: string): string {
  return `${ring}k%`;
}
