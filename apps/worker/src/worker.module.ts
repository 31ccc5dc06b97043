import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '#audit/nest';
import { ComplianceModule, PurgeModule } from '#compliance/nest';
import { loggingSettingsOf, tracingSettingsOf } from '#observability';
import { loggingModule, TracingModule } from '#observability/nest';
import { AutomationModule } from '#automation/nest';
import { parseBrokers } from '#bus';
import { BusModule } from '#bus/nest';
import { ConnectorsModule } from '#connectors/nest';
import { KeysModule } from '#keys/nest';
import { authConfigInputFromEnv, defaultPublicUrl, parseAuthConfig } from '#auth';
import { AssertionSigningModule } from '#identity/nest';
import { EventStoreModule } from '#event-store/nest';
import { MemoryModule } from '#memory/nest';
import { PoliciesModule } from '#policies/nest';
import { InstancesModule } from '#operations/nest';
import { ProjectionsModule } from '#projections/nest';
import { ValidationError } from '#core';
import { TenantsModule } from '#tenants/nest';
import { eventStoreSettingsOf, exportSigningKeySourceOf, loadPlatformConfig } from '../../platform/src/config/platform.config.js';
import { LifecycleModule } from '../../platform/src/lifecycle/lifecycle.module.js';
import { eventArchiveModule } from '../../platform/src/retention/event-archive.module.js';

/**
 * A scale-out worker: the same domain code as the platform, without the MCP endpoint or REST.
 * It carries runs forward (the saga, honouring other workers' leases) and applies the views:
 * when elected among the workers, from the log; with KAFKA_BROKERS, runs and views reach it
 * through Kafka: one elected worker relays the log, and each carries the runs and applies the
 * views of its partitions. Configuration is the platform's; only PostgreSQL is shared
 * between processes, so a worker needs DATABASE_URL.
 */
@Module({})
export class WorkerModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadPlatformConfig(env);
    if (config.LEDGERLINE_EVENT_STORE !== 'postgres') {
      throw new ValidationError('config.invalid', 'a worker shares the event store with other processes: set DATABASE_URL (PostgreSQL)');
    }
    const assertionIssuer = assertionIssuerOf(env, config.LEDGERLINE_DATA_DIR, config.LEDGERLINE_AUTH_SERVER);
    return {
      module: WorkerModule,
      imports: [
        TracingModule.forRoot(tracingSettingsOf(config, 'ledgerline-worker')),
        loggingModule(loggingSettingsOf(config)),
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => config] }),
        EventStoreModule.forRootAsync({ inject: [], useFactory: () => eventStoreSettingsOf(config) }),
        // On Kafka the views come from the projections' consumer group (ScaleOutBus); without it one elected worker applies them from the log.
        ProjectionsModule.forRoot(config.KAFKA_BROKERS ? 'consume' : 'elect'),
        CqrsModule.forRoot(),
        KeysModule.forRoot({ masterKeyBase64: config.LEDGERLINE_MASTER_KEY, masterKeyFile: config.LEDGERLINE_MASTER_KEY_FILE, dataDir: config.LEDGERLINE_DATA_DIR }),
        ConnectorsModule.forRoot({ egressPrivateNetworks: config.LEDGERLINE_EGRESS_PRIVATE_NETWORKS }),
        // Approval reminders link to the console of the API processes, at the platform's public origin.
        AutomationModule.forRoot({
          concurrency: config.LEDGERLINE_RUN_CONCURRENCY, perTenant: config.LEDGERLINE_RUN_CONCURRENCY_PER_TENANT, honourLeases: true, enabled: true,
          drainMs: config.LEDGERLINE_SHUTDOWN_TIMEOUT_MS, publicUrl: new URL(defaultPublicUrl(env)).origin,
        }),
        MemoryModule.forRoot({ expirySweepMs: config.LEDGERLINE_MEMORY_EXPIRY_SWEEP_MS }),
        // The workers apply the policy report's view; the gate and tools sit unused here.
        PoliciesModule.forRoot(),
        AuditModule,
        PurgeModule,
        TenantsModule,
        // The archive sweep signs its archive files with the installation's export key.
        ComplianceModule.forRoot({ signingKey: exportSigningKeySourceOf(config) }),
        eventArchiveModule(config),
        LifecycleModule,
        InstancesModule.forRoot({ role: 'worker', intervalMs: config.LEDGERLINE_INSTANCE_HEARTBEAT_MS }),
        // With the built-in authorization server, connector calls may carry on-behalf-of assertions signed with its keys.
        ...(assertionIssuer !== undefined
          ? [AssertionSigningModule.forRoot({ issuer: assertionIssuer, keyRotationSeconds: config.LEDGERLINE_SIGNING_KEY_ROTATION_DAYS * 86_400 })]
          : []),
        ...(config.KAFKA_BROKERS
          ? [BusModule.forRoot({ brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'ledgerline-worker', eventsTopic: config.LEDGERLINE_KAFKA_TOPIC, eventsPartitions: config.LEDGERLINE_KAFKA_PARTITIONS, runRetryDelaysMs: config.LEDGERLINE_RUN_RETRY_DELAYS_MS })]
          : []),
      ],
    };
  }
}

/** The built-in authorization server's issuer, when this installation runs it (no external issuer, not switched off). */
function assertionIssuerOf(env: NodeJS.ProcessEnv, dataDir: string, authServer: 'on' | 'off'): string | undefined {
  const auth = parseAuthConfig(authConfigInputFromEnv(env, { dataDir }));
  return auth.keySource.kind === 'dev' && authServer === 'on' ? auth.issuer : undefined;
}
