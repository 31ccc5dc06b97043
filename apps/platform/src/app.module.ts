import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditHttpModule, AuditModule } from '#audit/nest';
import { PersonalDataOpener } from '#compliance';
import { ComplianceHttpModule, ComplianceModule, PurgeHttpModule, PurgeModule, RetentionHttpModule } from '#compliance/nest';
import { AutomationHttpModule, AutomationModule } from '#automation/nest';
import { ConnectorsHttpModule, ConnectorsModule } from '#connectors/nest';
import { authConfigInputFromEnv, defaultPublicUrl, resolveAuthSettings } from '#auth';
import { AuthModule } from '#auth/nest';
import { PersonalDataVault } from '#keys';
import { KeysModule } from '#keys/nest';
import { ConsoleModule } from '#console/nest';
import { IdentityModule } from '#identity/nest';
import { loggingSettingsOf, tracingSettingsOf } from '#observability';
import { loggingModule, ObservabilityModule, TracingModule } from '#observability/nest';
import { EventStoreModule } from '#event-store/nest';
import { McpModule } from '#mcp/nest';
import { MemoryHttpModule, MemoryModule } from '#memory/nest';
import { InstancesModule, OperationsHttpModule } from '#operations/nest';
import { PoliciesHttpModule, PoliciesModule } from '#policies/nest';
import { ProjectionsModule } from '#projections/nest';
import { TenantsHttpModule, TenantsModule } from '#tenants/nest';
import { eventStoreSettingsOf, exportSigningKeySourceOf, loadPlatformConfig, operationsKafkaOf } from './config/platform.config.js';
import { identitySettingsFor } from './config/identity-settings-for.js';
import { PLATFORM_SCOPES } from './platform-scopes.js';
import { HealthController } from './health/health.controller.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { optionalAuthorizationServer, optionalConsole } from './optional-authorization-server.js';
import { eventArchiveModule } from './retention/event-archive.module.js';

@Module({})
export class AppModule {
  /** The platform, configured from `env` (validated here, so a bad variable stops the start). */
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadPlatformConfig(env);
    const auth = resolveAuthSettings(authConfigInputFromEnv(env, { dataDir: config.LEDGERLINE_DATA_DIR }));
    return {
      module: AppModule,
      imports: [
        TracingModule.forRoot(tracingSettingsOf(config, 'ledgerline-platform')),
        loggingModule(loggingSettingsOf(config)),
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => config] }),
        EventStoreModule.forRootAsync({ inject: [], useFactory: () => eventStoreSettingsOf(config) }),
        AuthModule.forRoot(auth, { scopesSupported: PLATFORM_SCOPES }),
        // Scale-out API processes only read the views; the workers apply them.
        ProjectionsModule.forRoot(config.LEDGERLINE_ROLE === 'api' ? 'watch' : 'apply'),
        CqrsModule.forRoot(),
        McpModule.forRoot({
          toolRateLimit: { perSecond: config.LEDGERLINE_TOOL_RATE_PER_SEC, burst: config.LEDGERLINE_TOOL_RATE_BURST },
          confirmTools: config.LEDGERLINE_MCP_CONFIRM_TOOLS,
          confirmationTtlSeconds: config.LEDGERLINE_MCP_CONFIRMATION_TTL_SECONDS,
        }),
        KeysModule.forRoot({ masterKeyBase64: config.LEDGERLINE_MASTER_KEY, masterKeyFile: config.LEDGERLINE_MASTER_KEY_FILE, dataDir: config.LEDGERLINE_DATA_DIR }),
        ConnectorsModule.forRoot({ egressPrivateNetworks: config.LEDGERLINE_EGRESS_PRIVATE_NETWORKS }),
        AutomationModule.forRoot({
          concurrency: config.LEDGERLINE_RUN_CONCURRENCY,
          perTenant: config.LEDGERLINE_RUN_CONCURRENCY_PER_TENANT,
          honourLeases: false,
          enabled: config.LEDGERLINE_ROLE === 'all',
          drainMs: config.LEDGERLINE_SHUTDOWN_TIMEOUT_MS,
          publicUrl: new URL(defaultPublicUrl(env)).origin,
        }),
        // Scale-out API processes leave the retention sweep to the workers.
        MemoryModule.forRoot({ expirySweepMs: config.LEDGERLINE_ROLE === 'api' ? 0 : config.LEDGERLINE_MEMORY_EXPIRY_SWEEP_MS }),
        MemoryHttpModule,
        PoliciesModule.forRoot(),
        PoliciesHttpModule,
        AuditModule,
        TenantsModule,
        ComplianceModule.forRoot({
          signingKey: exportSigningKeySourceOf(config),
          opener: { inject: [PersonalDataVault], useFactory: (vault: PersonalDataVault) => new PersonalDataOpener(vault) },
        }),
        ConnectorsHttpModule,
        AutomationHttpModule,
        TenantsHttpModule,
        ComplianceHttpModule,
        PurgeModule,
        PurgeHttpModule,
        // Scale-out API processes leave the archive sweep to the workers.
        eventArchiveModule(config, config.LEDGERLINE_ROLE === 'api'),
        RetentionHttpModule,
        ObservabilityModule.forRoot({ metricsToken: config.LEDGERLINE_METRICS_TOKEN }),
        AuditHttpModule,
        LifecycleModule,
        InstancesModule.forRoot({ role: config.LEDGERLINE_ROLE === 'api' ? 'api' : 'platform', intervalMs: config.LEDGERLINE_INSTANCE_HEARTBEAT_MS }),
        OperationsHttpModule.forRoot({ kafka: operationsKafkaOf(config) }),
        // The built-in authorization server, unless an external issuer signs the tokens.
        ...(auth.key.kind === 'dev' && config.LEDGERLINE_AUTH_SERVER === 'on' ? [IdentityModule.forRoot(identitySettingsFor(config, auth, PLATFORM_SCOPES)), ConsoleModule.forRoot()] : []),
      ],
      controllers: [HealthController],
      providers: [optionalAuthorizationServer, optionalConsole],
    };
  }
}
