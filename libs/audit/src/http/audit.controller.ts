import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { parseAuditFilter } from '../queries/query-audit/audit-filter.js';
import { QueryAuditQuery, type QueryAuditResult } from '../queries/query-audit/query-audit.query.js';

/** Admin REST: the caller's tenant audit trail (the tenant from the token only), the twin of the audit_query tool. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: 'the token lacks the scope audit:read, or its tenant is suspended' })
@Controller('v1/audit')
@Authenticated('audit:read')
export class AuditController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOkResponse({ description: '{ entries, nextCursor }: newest first unless order=asc; nextCursor is null on the last page' })
  @ApiBadRequestResponse({ description: 'a bad filter value (audit.invalid_filter, audit.invalid_cursor)' })
  @ApiQuery({ name: 'type', required: false, description: 'event type, or a prefix ending in *' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601, exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  query(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<QueryAuditResult> {
    return this.queryBus.execute(new QueryAuditQuery(metadata, parseAuditFilter(restFilter(query))));
  }
}

/** Query strings are text: limit becomes a number; repeated or unknown parameters fail the filter's strict schema. */
function restFilter(query: Record<string, unknown>): Record<string, unknown> {
  const { limit } = query;
  return typeof limit === 'string' && /^\d{1,6}$/.test(limit) ? { ...query, limit: Number(limit) } : query;
}
