import { Module } from '@nestjs/common';
import { QueryAuditHandler } from './queries/query-audit/query-audit.handler.js';
import { AuditQueryTool } from './tools/audit-query.tool.js';

/** The tenant's audit trail: a view over every event's metadata and the audit_query tool. */
@Module({ providers: [QueryAuditHandler, AuditQueryTool] })
export class AuditModule {}
