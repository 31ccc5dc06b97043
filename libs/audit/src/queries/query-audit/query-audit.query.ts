import { Query } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface AuditEntry {
  position: number;
  recordedAt: string;
  type: string;
  streamId: string;
  userId: string | null;
  clientId: string | null;
  tool: string | null;
  scopes: string[];
  correlationId: string | null;
}

export interface AuditFilter {
  userId?: string;
  tool?: string;
  /** Inclusive ISO-8601 bounds on recorded-at. */
  from?: string;
  to?: string;
  /** Entries older than this position (the previous page's nextCursor). */
  before?: number;
  limit: number;
}

export interface QueryAuditResult {
  entries: AuditEntry[];
  nextCursor: number | null;
}

export class QueryAuditQuery extends Query<QueryAuditResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly filter: AuditFilter,
  ) {
    super();
  }
}
