import { QueryBus } from '@nestjs/cqrs';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp';
import { z } from 'zod';
import { QueryAuditQuery, type QueryAuditResult } from '../queries/query-audit/query-audit.query.js';

const input = z.strictObject({
  userId: z.string().min(1).max(256).optional().describe('only what this user did'),
  tool: z.string().min(1).max(128).optional().describe('only calls of this tool'),
  from: z.iso.datetime().optional().describe('recorded at or after (ISO-8601 UTC)'),
  to: z.iso.datetime().optional().describe('recorded at or before (ISO-8601 UTC)'),
  cursor: z.number().int().min(1).optional().describe('nextCursor of the previous page'),
  limit: z.number().int().min(1).max(200).default(50),
});
const entry = z.object({
  position: z.number().int(), recordedAt: z.string(), type: z.string(), streamId: z.string(),
  userId: z.string().nullable(), clientId: z.string().nullable(), tool: z.string().nullable(),
  scopes: z.array(z.string()), correlationId: z.string().nullable(),
});
const output = z.object({ entries: z.array(entry), nextCursor: z.number().int().nullable() });

class AuditQueryDto {
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
  @IsOptional() @IsString() @MaxLength(128) tool?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsInt() @Min(1) cursor?: number;
  @IsInt() @Min(1) @Max(200) limit!: number;
}

@McpTool({
  name: 'audit_query',
  title: 'Query the audit trail',
  description: "Lists what happened in the caller's tenant, newest first: who did it, through which client and tool, under which scopes. Filter by user, tool and time; page with nextCursor.",
  scope: 'audit:read',
  input,
  output,
  dto: AuditQueryDto,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AuditQueryTool implements McpToolHandler<z.infer<typeof input>, QueryAuditResult> {
  constructor(private readonly queryBus: QueryBus) {}

  execute({ cursor, ...filter }: z.infer<typeof input>, { metadata }: ToolContext): Promise<QueryAuditResult> {
    return this.queryBus.execute(new QueryAuditQuery(metadata, { ...filter, before: cursor }));
  }
}
