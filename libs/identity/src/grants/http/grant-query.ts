import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiParam, ApiQuery } from '@nestjs/swagger';
import { ValidationError } from '#core';
import { z } from 'zod';
import { GRANT_ID } from '../grant.errors.js';
import { MAX_GRANT_PAGE, type DelegationQuery } from '../delegations.js';

const text = (max: number) => z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`));
const limit = z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_GRANT_PAGE));
const ownQuery = z.strictObject({ limit: limit.optional(), cursor: text(200).optional() });
const tenantQuery = ownQuery.extend({ user: text(256).optional(), client: text(2048).optional() });

/** A query string of GET /v1/grants or /v1/admin/grants: text in, a DelegationQuery out; an unknown or repeated parameter is refused. */
export function delegationQueryOf(query: unknown, scope: 'own' | 'tenant'): DelegationQuery {
  const parsed = (scope === 'own' ? ownQuery : tenantQuery).safeParse(query ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`);
    throw new ValidationError('identity.grant.invalid_filter', `invalid query: ${issues.join('; ')}`, { issues });
  }
  const { limit: pageSize, cursor, user, client } = parsed.data as z.infer<typeof tenantQuery>;
  return { ...(pageSize !== undefined && { limit: pageSize }), ...(cursor !== undefined && { cursor }), ...(user !== undefined && { userId: user }), ...(client !== undefined && { clientId: client }) };
}

/** The query parameters as the OpenAPI document shows them. */
export function ApiDelegationQuery(scope: 'own' | 'tenant'): MethodDecorator {
  const printable = (max: number) => ({ type: 'string' as const, pattern: `^[\\x21-\\x7e]{1,${max}}$` });
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_GRANT_PAGE, default: 50 } }),
    ApiQuery({ name: 'cursor', required: false, schema: { ...printable(200), description: 'nextCursor of the previous page (opaque)' } }),
    ...(scope === 'tenant'
      ? [
        ApiQuery({ name: 'user', required: false, schema: { ...printable(256), description: "only this person's grants" } }),
        ApiQuery({ name: 'client', required: false, schema: { ...printable(2048), description: "only this client's grants" } }),
      ]
      : []),
  );
}

export const GRANT_ID_PARAM = applyDecorators(
  ApiParam({ name: 'id', schema: { type: 'string', pattern: GRANT_ID.source }, description: 'the grant id' }),
  ApiBadRequestResponse({ description: 'a malformed grant id (identity.grant.invalid_id)' }),
);
