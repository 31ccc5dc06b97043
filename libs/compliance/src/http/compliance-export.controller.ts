import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { VIEW_DB, type ViewDb } from '#projections';
import { ProjectorRegistry } from '#projections/nest';
import { ComplianceExporter } from '../export/compliance-exporter.js';
import { ISO_INSTANT } from '../export/export-range.js';
import { EVENT_DATA_OPENER, type EventDataOpener } from '../export/event-data-opener.port.js';
import { COMPLIANCE_EXPORT_SCOPE } from '../export/export.events.js';
import { EXPORT_SIGNING_KEY, type ExportSigningKey } from '../signing/export-signing-key.js';
import { exportFileName } from './export-file-name.js';
import { parseExportQuery } from './export-query.js';

/** What parseExportRange accepts: RFC 3339 with a zone, as the export's own regular expression has it. */
const INSTANT = { type: 'string' as const, format: 'date-time', pattern: ISO_INSTANT.source };

/** The caller's tenant's verifiable export (ledgerline-export/1), streamed as it is written. */
@ApiTags('compliance')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${COMPLIANCE_EXPORT_SCOPE}` })
@Controller('v1/compliance')
export class ComplianceExportController {
  private readonly logger = new Logger(ComplianceExportController.name);

  constructor(
    private readonly exporter: ComplianceExporter,
    private readonly projectors: ProjectorRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_DB) private readonly views: ViewDb,
    @Inject(EXPORT_SIGNING_KEY) private readonly signer: ExportSigningKey,
    @Inject(EVENT_DATA_OPENER) private readonly opener: EventDataOpener,
  ) {}

  @Get('export')
  @Authenticated(COMPLIANCE_EXPORT_SCOPE)
  @ApiQuery({ name: 'since', required: false, schema: INSTANT, description: 'ISO-8601 instant: the first exported event is the first recorded at or after it' })
  @ApiQuery({ name: 'until', required: false, schema: INSTANT, description: 'ISO-8601 instant: the last exported event is the last recorded before it' })
  @ApiQuery({ name: 'withViews', required: false, enum: ['true', 'false'], description: "add the tenant's view rows" })
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'gzip of NDJSON: header, events, view rows, signed manifest (verify with `ledgerline verify` and the keys at /.well-known/ledgerline-export-keys)' })
  @ApiBadRequestResponse({ description: 'compliance.export.invalid_query, compliance.export.invalid_range' })
  @ApiNotFoundResponse({ description: 'compliance.export.unknown_tenant: the tenant has no events' })
  async export(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata, @Res() response: Response): Promise<void> {
    const { range, withViews } = parseExportQuery(query);
    const prepared = await this.exporter.prepare({
      store: this.store,
      views: this.views,
      tenantId: metadata.tenantId,
      range,
      withViews,
      projections: this.projectors.projections(),
      signer: this.signer,
      opener: this.opener,
      requestedBy: metadata,
    });
    response.status(200);
    response.set({
      'Content-Type': 'application/gzip',
      'Content-Disposition': `attachment; filename="${exportFileName(metadata.tenantId, new Date())}"`,
      'Cache-Control': 'no-store',
    });
    try {
      await prepared.writeTo(response);
    } catch (error) {
      if (!response.headersSent && !response.destroyed) throw error;
      // The status is out: the failure can only cut the download short (verify names that), and the log says why.
      this.logger.error(`export of tenant ${metadata.tenantId} failed mid-stream: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
