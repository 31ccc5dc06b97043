import { Query } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { AuditFilter } from './audit-filter.js';

export type { AuditFilter } from './audit-filter.js';

export interface AuditEntry {
  position: number;
  recordedAt: string;
  type: string;
  streamId: string;
  streamVersion: number;
  userId: string | null;
  clientId: string | null;
  tool: string | null;
  scopes: string[];
  correlationId: string | null;
  /** The connector the event touched: its own stream's, or the one a run step called. */
  connector: string | null;
  automation: string | null;
  runId: string | null;
}

export interface QueryAuditResult {
  entries: AuditEntry[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

/** The caller's tenant trail; the tenant is metadata.tenantId (from the token), never a filter. */
export class QueryAuditQuery extends Query<QueryAuditResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly filter: AuditFilter,
  ) {
    super();
  }
}
