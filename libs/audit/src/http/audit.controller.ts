import { applyDecorators, Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiQuery, ApiTags, ApiUnauthorizedResponse, type ApiQueryOptions } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { auditFilterInput, parseAuditFilter } from '../queries/query-audit/audit-filter.js';
import { QueryAuditQuery, type QueryAuditResult } from '../queries/query-audit/query-audit.query.js';

class AuditEntryDto {
  @ApiProperty({ type: 'integer', description: "the event's global position" }) position!: number;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() type!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty({ type: 'integer' }) streamVersion!: number;
  @ApiProperty({ nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) tool!: string | null;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ nullable: true, type: String }) correlationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) connector!: string | null;
  @ApiProperty({ nullable: true, type: String }) automation!: string | null;
  @ApiProperty({ nullable: true, type: String }) runId!: string | null;
}

class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) entries!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque; null on the last page' }) nextCursor!: string | null;
}

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
  @ApiOkResponse({ type: AuditPageDto, description: 'newest first unless order=asc; nextCursor is null on the last page' })
  @ApiBadRequestResponse({ description: 'a bad filter value (audit.invalid_filter, audit.invalid_cursor)' })
  @ApiAuditFilterQuery()
  query(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<QueryAuditResult> {
    return this.queryBus.execute(new QueryAuditQuery(metadata, parseAuditFilter(restFilter(query))));
  }
}

/** One optional query parameter per filter, with the schema the filter is validated by (a cursor is text here). */
function ApiAuditFilterQuery(): MethodDecorator {
  const { properties } = z.toJSONSchema(auditFilterInput, { io: 'input' }) as { properties: Record<string, Extract<ApiQueryOptions, { schema: unknown }>['schema']> };
  const schemas = { ...properties, cursor: { type: 'string', minLength: 1, maxLength: 200, description: 'nextCursor of the previous page (opaque)' } };
  return applyDecorators(...Object.entries(schemas).map(([name, schema]) => ApiQuery({ name, required: false, schema })));
}

/** Query strings are text: limit becomes a number; repeated or unknown parameters fail the filter's strict schema. */
function restFilter(query: Record<string, unknown>): Record<string, unknown> {
  const { limit } = query;
  return typeof limit === 'string' && /^\d{1,6}$/.test(limit) ? { ...query, limit: Number(limit) } : query;
}
