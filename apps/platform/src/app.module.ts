import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditHttpModule, AuditModule } from '#audit/nest';
import { COMPLIANCE_ADMIN_SCOPE, COMPLIANCE_EXPORT_SCOPE, COMPLIANCE_PURGE_SCOPE, PersonalDataOpener } from '#compliance';
import { ComplianceHttpModule, ComplianceModule, PurgeHttpModule, PurgeModule, RetentionHttpModule } from '#compliance/nest';
import { APPROVALS_DECIDE_SCOPE, AUTOMATIONS_ADMIN_SCOPE, RUNS_ADMIN_SCOPE, RUNS_CANCEL_SCOPE, RUNS_SCOPE } from '#automation';
import { AutomationHttpModule, AutomationModule } from '#automation/nest';
import { CONNECTORS_ADMIN_SCOPE, CONNECTORS_READ_SCOPE } from '#connectors';
import { ConnectorsHttpModule, ConnectorsModule } from '#connectors/nest';
import { authConfigInputFromEnv, resolveAuthSettings } from '#auth';
import { AuthModule } from '#auth/nest';
import { PersonalDataVault } from '#keys';
import { KeysModule } from '#keys/nest';
import { ConsoleModule } from '#console/nest';
import { CLIENTS_ADMIN_SCOPE, GRANTS_ADMIN_SCOPE, GRANTS_MANAGE_SCOPE } from '#identity';
import { IdentityModule } from '#identity/nest';
import { loggingSettingsOf, tracingSettingsOf } from '#observability';
import { loggingModule, ObservabilityModule, TracingModule } from '#observability/nest';
import { EventStoreModule } from '#event-store/nest';
import { McpModule } from '#mcp/nest';
import { MEMORY_ADMIN_SCOPE, TENANT_MEMORY_SCOPE } from '#memory';
import { MemoryHttpModule, MemoryModule } from '#memory/nest';
import { InstancesModule, OperationsHttpModule } from '#operations/nest';
import { ProjectionsModule } from '#projections/nest';
import { PLATFORM_ADMIN_SCOPE } from '#tenants';
import { TenantsHttpModule, TenantsModule } from '#tenants/nest';
import { eventStoreSettingsOf, exportSigningKeySourceOf, loadPlatformConfig, operationsKafkaOf } from './config/platform.config.js';
import { identitySettingsFor } from './config/identity-settings-for.js';
import { HealthController } from './health/health.controller.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { optionalAuthorizationServer, optionalConsole } from './optional-authorization-server.js';
import { eventArchiveModule } from './retention/event-archive.module.js';

/** Every scope a token may carry for this platform's tools (RFC 9728 `scopes_supported`). */
export const PLATFORM_SCOPES = [
  'memory:read', 'memory:write', TENANT_MEMORY_SCOPE, 'audit:read', PLATFORM_ADMIN_SCOPE,
  CONNECTORS_ADMIN_SCOPE, CONNECTORS_READ_SCOPE, AUTOMATIONS_ADMIN_SCOPE, RUNS_SCOPE, RUNS_CANCEL_SCOPE, RUNS_ADMIN_SCOPE, APPROVALS_DECIDE_SCOPE,
  COMPLIANCE_EXPORT_SCOPE, COMPLIANCE_PURGE_SCOPE, COMPLIANCE_ADMIN_SCOPE, MEMORY_ADMIN_SCOPE,
  GRANTS_MANAGE_SCOPE, GRANTS_ADMIN_SCOPE, CLIENTS_ADMIN_SCOPE,
];

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
        }),
        // Scale-out API processes leave the retention sweep to the workers.
        MemoryModule.forRoot({ expirySweepMs: config.LEDGERLINE_ROLE === 'api' ? 0 : config.LEDGERLINE_MEMORY_EXPIRY_SWEEP_MS }),
        MemoryHttpModule,
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
