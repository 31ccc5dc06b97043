import { NotFoundError, ValidationError } from '#core';

/** oidc-provider's ids (nanoid, 43 characters); a little room for other lengths. */
export const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertGrantId(grantId: unknown): asserts grantId is string {
  if (typeof grantId !== 'string' || !GRANT_ID.test(grantId)) throw new ValidationError('identity.grant.invalid_id', 'grantId: 1-64 of A-Z a-z 0-9 _ -');
}

/** The same answer for a grant that does not exist, is another person's, or another tenant's: nothing is revealed. */
export function grantNotFound(grantId: string): NotFoundError {
  return new NotFoundError('identity.grant.not_found', `no grant ${grantId}`, { grantId });
}
