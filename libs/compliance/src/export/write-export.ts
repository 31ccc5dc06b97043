import type { Writable } from 'node:stream';
import type { EventStore, RecordedEvent } from '#event-store';
import type { ViewDb } from '#projections';
import type { ExportSigner } from '../signing/export-signing-key.js';
import type { EventDataOpener } from './event-data-opener.port.js';
import { EXPORT_FORMAT, type ExportCounts, type ExportEventLine, type ExportHeaderLine, type ExportManifest, type ExportPosition, type ExportRange, type ExportStubLine, signedManifestText } from './export-format.js';
import { findExportWindow, READ_BATCH, type ExportWindow } from './export-window.js';
import { NdjsonGzipWriter } from './ndjson-gzip-writer.js';
import { tenantRows, type ViewTable } from './tenant-view-rows.js';

export interface ExportPlan {
  store: EventStore;
  views: ViewDb;
  tenantId: string;
  range: ExportRange;
  withViews: boolean;
  tables: readonly ViewTable[];
  signer: ExportSigner;
  opener: EventDataOpener;
  /** The tenant's head global position when the export started: nothing later is exported. */
  head: number;
  createdAt: string;
  exportId: string;
  /** The run of tenant positions to write, when the caller knows it already (an archive); else found from `range`. */
  window?: ExportWindow;
  /** Writes only these events in full; the others of the window become `elided` lines (an archive holds its streams alone). */
  only?: (event: RecordedEvent) => boolean;
}

export interface ExportSummary extends ExportManifest {
  /** The export's audit stream in the tenant's log. */
  exportId: string;
}

/** Streams the export: header, events, view rows, signed manifest. Memory holds one read batch at most. */
export async function writeExport(plan: ExportPlan, out: Writable, endOut: boolean): Promise<ExportSummary> {
  const writer = new NdjsonGzipWriter(out, endOut);
  try {
    return await writeLines(plan, writer);
  } catch (error) {
    writer.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

async function writeLines(plan: ExportPlan, writer: NdjsonGzipWriter): Promise<ExportSummary> {
  const { store, tenantId, range, head, createdAt } = plan;
  const window = plan.window ?? (await findExportWindow(store, tenantId, head, range));
  const header: ExportHeaderLine = { kind: 'header', format: EXPORT_FORMAT, tenantId, createdAt, range, chainStart: window.chainStart, includesViews: plan.withViews };
  await writer.writeLine(header);

  const counts: ExportCounts = { events: 0, byType: {}, viewRows: 0 };
  let first: ExportPosition | null = null;
  let last: ExportPosition | null = null;
  let chainHead = window.chainStart;
  if (window.first <= window.last) {
    reading: for await (const batch of store.readAll({ tenantId, after: window.after, batchSize: READ_BATCH, withTombstones: true })) {
      for (const event of batch) {
        if (event.globalPosition > head || event.tenantPosition > window.last) break reading;
        const stub = event.archived ? 'archived' : plan.only && !plan.only(event) ? 'elided' : undefined;
        if (stub !== undefined) {
          const { tenantPosition, globalPosition, streamId, streamVersion, hash } = event;
          const written = writer.writeLine({ kind: stub, tenantPosition, globalPosition, streamId, streamVersion, hash } satisfies ExportStubLine);
          if (written) await written;
          counts[stub] = (counts[stub] ?? 0) + 1;
        } else {
          const opened = await plan.opener.open(event);
          const line: ExportEventLine = { kind: 'event', event, ...(opened !== undefined && { opened }) };
          const written = writer.writeLine(line);
          if (written) await written;
          counts.events++;
          counts.byType[event.type] = (counts.byType[event.type] ?? 0) + 1;
        }
        last = { tenantPosition: event.tenantPosition, globalPosition: event.globalPosition };
        first ??= last;
        chainHead = event.hash;
      }
    }
  }

  const sql = plan.views.forTenant(tenantId);
  for (const table of plan.tables) {
    for await (const row of tenantRows(sql, tenantId, table)) {
      await writer.writeLine({ kind: 'view', projection: table.projection, table: table.table, row });
      counts.viewRows++;
    }
  }

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    tenantId,
    createdAt,
    range,
    counts,
    first,
    last,
    chainStart: window.chainStart,
    chainHead,
    contentSha256: writer.contentSha256(),
    keyId: plan.signer.keyId,
  };
  await writer.finish({ kind: 'manifest', manifest, signature: plan.signer.sign(signedManifestText(manifest)) });
  return { ...manifest, exportId: plan.exportId };
}
