import { Module } from '@nestjs/common';
import { ComplianceExportController } from './compliance-export.controller.js';
import { ExportKeysController } from './export-keys.controller.js';

/** Compliance REST (needs ComplianceModule): the export download and the export keys' JWKS. */
@Module({ controllers: [ComplianceExportController, ExportKeysController] })
export class ComplianceHttpModule {}
