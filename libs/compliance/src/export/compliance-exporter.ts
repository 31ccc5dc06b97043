import type { Writable } from 'node:stream';
import type { EventMetadata, EventStore } from '#event-store';
import { assertTenantId } from '#event-store';
import type { Projection, ViewDb } from '#projections';
import type { ExportSigner } from '../signing/export-signing-key.js';
import { storedDataOnly, type EventDataOpener } from './event-data-opener.port.js';
import { UnknownTenantError } from './export.errors.js';
import { newExportStreamId, type ExportCompleted, type ExportRequested } from './export.events.js';
import { EXPORT_FORMAT, type ExportRange } from './export-format.js';
import { writeExport, type ExportSummary } from './write-export.js';
import { assertViewsReadable, viewTablesOf } from './tenant-view-rows.js';

/** Who asked for the export: recorded on ExportRequested and ExportCompleted. */
export interface ExportRequester {
  userId: string;
  clientId?: string;
  tool?: string;
  correlationId?: string;
  scopes?: readonly string[];
}

export interface ExportRequest {
  store: EventStore;
  views: ViewDb;
  tenantId: string;
  /** Already checked by parseExportRange. */
  range: ExportRange;
  withViews: boolean;
  projections: readonly Projection[];
  signer: ExportSigner;
  opener?: EventDataOpener;
  requestedBy: ExportRequester;
}

/** A request that passed every check: writing it appends ExportRequested, streams, then appends ExportCompleted. */
export interface PreparedExport {
  writeTo(out: Writable, options?: { endOut?: boolean }): Promise<ExportSummary>;
}

/**
 * The tenant's verifiable export (format ledgerline-export/1), for the CLI and REST alike. Every
 * check runs in `prepare`, before anything is recorded or written, so a refused request leaves
 * neither an audit event nor half a file.
 */
export class ComplianceExporter {
  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly newStreamId: () => string = newExportStreamId,
  ) {}

  async exportTenant(request: ExportRequest & { out: Writable; endOut?: boolean }): Promise<ExportSummary> {
    return (await this.prepare(request)).writeTo(request.out, { endOut: request.endOut ?? true });
  }

  async prepare(request: ExportRequest): Promise<PreparedExport> {
    const { store, tenantId, range, withViews } = request;
    assertTenantId(tenantId);
    if ((await store.headPosition(tenantId)) === 0) throw new UnknownTenantError(tenantId);
    const tables = withViews ? viewTablesOf(request.projections) : [];
    await assertViewsReadable(request.views.forTenant(tenantId), tables);
    return {
      writeTo: async (out, { endOut = true } = {}) => {
        const streamId = this.newStreamId();
        const metadata = auditMetadata(request.requestedBy);
        const requested: ExportRequested = { type: 'ExportRequested', data: { range, withViews, format: EXPORT_FORMAT } };
        await store.append(tenantId, streamId, 'no-stream', [{ ...requested, metadata }]);
        // The snapshot: events appended from here on (ExportCompleted included) stay out of this export.
        const head = await store.headPosition(tenantId);
        const summary = await writeExport({ ...request, opener: request.opener ?? storedDataOnly, tables, head, createdAt: this.clock().toISOString(), exportId: streamId }, out, endOut);
        const { counts, chainHead, contentSha256, keyId } = summary;
        const completed: ExportCompleted = { type: 'ExportCompleted', data: { counts, chainHead, contentSha256, keyId } };
        await store.append(tenantId, streamId, 1, [{ ...completed, metadata }]);
        return summary;
      },
    };
  }
}

function auditMetadata(requester: ExportRequester): EventMetadata {
  return {
    userId: requester.userId,
    ...(requester.clientId !== undefined && { clientId: requester.clientId }),
    ...(requester.tool !== undefined && { tool: requester.tool }),
    ...(requester.correlationId !== undefined && { correlationId: requester.correlationId }),
    ...(requester.scopes !== undefined && { scopes: [...requester.scopes] }),
  };
}
