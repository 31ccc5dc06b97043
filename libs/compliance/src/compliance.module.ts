import { Global, Module, type ClassProvider, type DynamicModule, type ExistingProvider, type FactoryProvider } from '@nestjs/common';
import { EVENT_DATA_OPENER, storedDataOnly, type EventDataOpener } from './export/event-data-opener.port.js';
import { ComplianceExporter } from './export/compliance-exporter.js';
import { EXPORT_SIGNING_KEY, ExportSigningKey, type ExportSigningKeySource } from './signing/export-signing-key.js';

type OpenerProvider = Omit<ClassProvider<EventDataOpener>, 'provide'> | Omit<FactoryProvider<EventDataOpener>, 'provide'> | Omit<ExistingProvider<EventDataOpener>, 'provide'>;

export interface ComplianceModuleOptions {
  signingKey: ExportSigningKeySource;
  /** How exports open event data (decryption, redaction); by default they carry the stored data only. */
  opener?: OpenerProvider;
}

/** The export signing key (loaded, or created once in the data directory, at start), the data opener and the exporter. */
@Global()
@Module({})
export class ComplianceModule {
  static forRoot(options: ComplianceModuleOptions): DynamicModule {
    return {
      module: ComplianceModule,
      providers: [
        { provide: EXPORT_SIGNING_KEY, useFactory: () => ExportSigningKey.load(options.signingKey) },
        options.opener ? { provide: EVENT_DATA_OPENER, ...options.opener } : { provide: EVENT_DATA_OPENER, useValue: storedDataOnly },
        { provide: ComplianceExporter, useFactory: () => new ComplianceExporter() },
      ],
      exports: [EXPORT_SIGNING_KEY, EVENT_DATA_OPENER, ComplianceExporter],
    };
  }
}
