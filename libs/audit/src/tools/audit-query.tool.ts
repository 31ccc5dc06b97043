import { QueryBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { auditFilterInput, parseAuditFilter } from '../queries/query-audit/audit-filter.js';
import { QueryAuditQuery, type QueryAuditResult } from '../queries/query-audit/query-audit.query.js';

const entry = z.object({
  position: z.number().int(), recordedAt: z.string(), type: z.string(), streamId: z.string(), streamVersion: z.number().int(),
  userId: z.string().nullable(), clientId: z.string().nullable(), tool: z.string().nullable(),
  scopes: z.array(z.string()), correlationId: z.string().nullable(),
  connector: z.string().nullable(), automation: z.string().nullable(), runId: z.string().nullable(),
});
const output = z.object({ entries: z.array(entry), nextCursor: z.string().nullable() });

@McpTool({
  name: 'audit_query',
  title: 'Query the audit trail',
  description:
    "Lists what happened in the caller's tenant, newest first (or oldest first with order asc): who did it, through which client and tool, " +
    'under which scopes, and which connector, automation and run it touched. Filter by user, tool, event type (or prefix with *), scope, ' +
    'connector, automation, stream and time [from, to); page with nextCursor (up to 500 entries a page).',
  scope: 'audit:read',
  input: auditFilterInput,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AuditQueryTool implements McpToolHandler<z.output<typeof auditFilterInput>, QueryAuditResult> {
  constructor(private readonly queryBus: QueryBus) {}

  execute(input: z.output<typeof auditFilterInput>, { metadata }: ToolContext): Promise<QueryAuditResult> {
    return this.queryBus.execute(new QueryAuditQuery(metadata, parseAuditFilter(input)));
  }
}
