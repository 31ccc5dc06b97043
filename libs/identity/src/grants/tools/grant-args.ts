import { z } from 'zod';
import { GRANT_ID } from '../grant.errors.js';

/** The argument and result schemas shared by the grant tools. */
export const grantIdArg = z.string().regex(GRANT_ID).describe('the grant id, as grant_list gives it');

export const delegationSchema = z.object({
  grantId: z.string(),
  userId: z.string(),
  clientId: z.string(),
  clientName: z.string().nullable().describe('null for a client known only by its metadata document'),
  scopes: z.array(z.string()),
  issuedAt: z.string().describe('ISO-8601 UTC'),
  expiresAt: z.string().nullable().describe('ISO-8601 UTC: the delegation ends then at the latest'),
  lastUsedAt: z.string().nullable().describe('ISO-8601 UTC, to within a minute: when a token of the grant was last accepted; null if not yet'),
  lifetimes: z.object({
    accessTokenSeconds: z.number().int().describe('each access token lasts at most this long'),
    grantSeconds: z.number().int().describe('the grant (its refresh) lasts at most this long'),
  }),
});

export const revokedDelegationSchema = z.object({ grantId: z.string(), userId: z.string(), clientId: z.string(), revokedAt: z.string() });
