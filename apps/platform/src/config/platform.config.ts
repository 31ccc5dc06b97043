import { DEFAULT_CONFIRM_TOOLS } from '#mcp';
import { ValidationError } from '#core';
import { DEFAULT_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS, DEFAULT_PG_STATEMENT_TIMEOUT_MS, type EventStoreSettings } from '#event-store';
import type { ExportSigningKeySource } from '#compliance';
import { LOG_CONFIG_SHAPE, OTEL_CONFIG_SHAPE } from '#observability';
import { parseBrokers } from '#bus';
import type { OperationsKafkaSettings } from '#operations';
import { z } from 'zod';

/** Every configuration variable of the platform; docs/configuration.md lists them with the same defaults. */
export const platformConfigSchema = z
  .object({
    LEDGERLINE_HOST: z.string().min(1).default('127.0.0.1'),
    LEDGERLINE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LEDGERLINE_DATA_DIR: z.string().min(1).default('./data'),
    LEDGERLINE_EVENT_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
    DATABASE_URL: z.string().url().optional(),
    LEDGERLINE_PG_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    LEDGERLINE_PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    /** Every statement of ours; also how long a hung append (its process killed) can hold readers of the log back. 0: none. */
    LEDGERLINE_PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(DEFAULT_PG_STATEMENT_TIMEOUT_MS),
    /** A transaction of ours idle between statements this long (a frozen process) is ended. 0: never. */
    LEDGERLINE_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(DEFAULT_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS),
    /** Slow clients: the whole header block, then the whole request, must arrive within these. */
    LEDGERLINE_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    LEDGERLINE_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** Longer than the idle timeout of clients' agents and load balancers, or they reuse a socket the server just closed. */
    LEDGERLINE_HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(65_000),
    /** SIGTERM: readiness goes false at once; new requests are still served this long (for load balancers to notice)… */
    LEDGERLINE_SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    /** …then in-flight requests get this long to finish before their connections are closed. */
    LEDGERLINE_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
    LEDGERLINE_MAX_EVENT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    LEDGERLINE_MASTER_KEY: z.string().min(1).optional(),
    LEDGERLINE_MASTER_KEY_FILE: z.string().min(1).optional(),
    /** Ed25519 PKCS#8 PEM that signs compliance exports; every process of an installation needs the same one. */
    LEDGERLINE_EXPORT_SIGNING_KEY: z.string().min(1).optional(),
    LEDGERLINE_EXPORT_SIGNING_KEY_FILE: z.string().min(1).optional(),
    LEDGERLINE_TOOL_RATE_PER_SEC: z.coerce.number().positive().max(100_000).default(50),
    LEDGERLINE_TOOL_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(100),
    /** The tools whose calls need the person's confirmation of the exact call (comma-separated names; empty: none). */
    LEDGERLINE_MCP_CONFIRM_TOOLS: z.string().regex(/^\s*([a-z][a-z0-9_]{0,63}(\s*,\s*[a-z][a-z0-9_]{0,63})*)?\s*$/, 'comma-separated tool names, e.g. memory_delete,automation_publish').default(DEFAULT_CONFIRM_TOOLS.join(','))
      .transform((value) => value.split(',').map((tool) => tool.trim()).filter((tool) => tool !== '')),
    /** How long a confirmation round (the ask, then the confirmation given) stays good. */
    LEDGERLINE_MCP_CONFIRMATION_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
    LEDGERLINE_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
    LEDGERLINE_RUN_CONCURRENCY_PER_TENANT: z.coerce.number().int().min(1).max(1000).default(8),
    LEDGERLINE_ROLE: z.enum(['all', 'api']).default('all'),
    /** Every process writes its entry of the instance registry this often; one silent for 3 beats is shown stale. */
    LEDGERLINE_INSTANCE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    LEDGERLINE_EGRESS_PRIVATE_NETWORKS: z.string().regex(/^\s*([0-9A-Fa-f.:]+\/\d{1,3}(\s*,\s*[0-9A-Fa-f.:]+\/\d{1,3})*)?\s*$/, 'comma-separated CIDRs, e.g. 10.0.0.0/8,127.0.0.1/32').default('')
      .transform((value) => value.split(',').map((network) => network.trim()).filter((network) => network !== '')),
    /** LEDGERLINE_LOG_LEVEL, LEDGERLINE_LOG_FORMAT. */
    ...LOG_CONFIG_SHAPE,
    LEDGERLINE_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    LEDGERLINE_MEMORY_EXPIRY_SWEEP_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    /** How often the event archive sweep runs (tenants with an event retention); 0, the default, leaves archiving to `ledgerline archive`. */
    LEDGERLINE_EVENT_ARCHIVE_SWEEP_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(0),
    /** Where the sweep writes archive files (default <LEDGERLINE_DATA_DIR>/archives): archived events live only there. */
    LEDGERLINE_ARCHIVE_DIR: z.string().min(1).optional(),
    KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'host:port[,host:port…]').optional(),
    LEDGERLINE_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
    LEDGERLINE_KAFKA_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).default('ledgerline.events'),
    LEDGERLINE_RUN_RETRY_DELAYS_MS: z.string().regex(/^\d{1,9}(,\d{1,9}){0,9}$/, 'comma-separated milliseconds').default('1000,10000,60000')
      .transform((value) => value.split(',').map(Number)),
    /** The built-in OAuth 2.1 authorization server (docs/identity.md); off, or ignored when LEDGERLINE_AUTH_ISSUER names an external issuer. */
    LEDGERLINE_AUTH_SERVER: z.enum(['on', 'off']).default('on'),
    /** `<tenant>:<user>` identities that may be granted platform:admin; nobody else ever is. */
    LEDGERLINE_OPERATORS: z.string().regex(/^\s*([A-Za-z0-9][A-Za-z0-9._-]{0,63}:[^,\s]+(\s*,\s*[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[^,\s]+)*)?\s*$/, 'comma-separated <tenant>:<user>').default('')
      .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== '')),
    /** Scopes that need a fresh sign-in, are consented to every time and live shortest; a trailing * matches a prefix. */
    LEDGERLINE_SENSITIVE_SCOPES: z.string().regex(/^[\x21-\x7e]+(?:[ ,]+[\x21-\x7e]+)*$/, 'scopes separated by spaces or commas').optional()
      .transform((value) => value?.split(/[ ,]+/).filter((item) => item !== '')),
    /** Per-scope lifetime ceilings, `scope=<access seconds>/<grant seconds>`, comma-separated. */
    LEDGERLINE_SCOPE_LIFETIMES: z.string().regex(/^\s*([\x21-\x2b\x2d-\x3c\x3e-\x7e]+=\d{1,8}\/\d{1,9}(\s*,\s*[\x21-\x2b\x2d-\x3c\x3e-\x7e]+=\d{1,8}\/\d{1,9})*)?\s*$/, 'scope=<access seconds>/<grant seconds>, comma-separated').default(''),
    LEDGERLINE_SENSITIVE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Networks a Client ID Metadata Document may be fetched from although not public: development only. */
    LEDGERLINE_CIMD_PRIVATE_NETWORKS: z.string().regex(/^\s*([0-9A-Fa-f.:]+\/\d{1,3}(\s*,\s*[0-9A-Fa-f.:]+\/\d{1,3})*)?\s*$/, 'comma-separated CIDRs').default('')
      .transform((value) => value.split(',').map((network) => network.trim()).filter((network) => network !== '')),
    LEDGERLINE_SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Sign-in through one company OpenID Connect provider (docs/federation.md); identitySettingsOf checks them as a whole… */
    LEDGERLINE_OIDC_ISSUER: z.string().optional(),
    LEDGERLINE_OIDC_CLIENT_ID: z.string().optional(),
    LEDGERLINE_OIDC_CLIENT_SECRET: z.string().optional(),
    LEDGERLINE_OIDC_CLIENT_SECRET_FILE: z.string().optional(),
    LEDGERLINE_OIDC_LABEL: z.string().optional(),
    LEDGERLINE_OIDC_SCOPES: z.string().optional(),
    LEDGERLINE_OIDC_USER_CLAIM: z.string().optional(),
    LEDGERLINE_OIDC_TENANT: z.string().optional(),
    LEDGERLINE_OIDC_TENANT_CLAIM: z.string().optional(),
    LEDGERLINE_OIDC_TENANT_DOMAINS: z.string().optional(),
    /** …or several, each with its own tenant mapping, from a JSON file. */
    LEDGERLINE_OIDC_PROVIDERS_FILE: z.string().optional(),
    /** Traces: the standard OpenTelemetry variables (OTLP/HTTP export when an endpoint is set). */
    ...OTEL_CONFIG_SHAPE,
  })
  .refine((config) => config.LEDGERLINE_EVENT_STORE !== 'postgres' || config.DATABASE_URL !== undefined, {
    message: 'LEDGERLINE_EVENT_STORE=postgres needs DATABASE_URL',
    path: ['DATABASE_URL'],
  })
  .refine((config) => config.LEDGERLINE_EXPORT_SIGNING_KEY === undefined || config.LEDGERLINE_EXPORT_SIGNING_KEY_FILE === undefined, {
    message: 'set LEDGERLINE_EXPORT_SIGNING_KEY or LEDGERLINE_EXPORT_SIGNING_KEY_FILE, not both',
    path: ['LEDGERLINE_EXPORT_SIGNING_KEY_FILE'],
  })
  .refine((config) => config.LEDGERLINE_ROLE !== 'api' || config.LEDGERLINE_EVENT_STORE === 'postgres', {
    message: 'LEDGERLINE_ROLE=api serves a PostgreSQL store that worker processes carry forward: set DATABASE_URL',
    path: ['LEDGERLINE_ROLE'],
  });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/**
 * Validates the environment once at start-up; the error names every offending variable.
 * `PORT` stands in for LEDGERLINE_PORT, and DATABASE_URL alone selects PostgreSQL.
 */
export function loadPlatformConfig(env: NodeJS.ProcessEnv): PlatformConfig {
  const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);
  const upstream = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('LEDGERLINE_OIDC_')).map(([name, value]) => [name, present(value)]));
  const parsed = platformConfigSchema.safeParse({
    ...env,
    ...upstream,
    LEDGERLINE_PORT: present(env.LEDGERLINE_PORT) ?? present(env.PORT),
    LEDGERLINE_EVENT_STORE: present(env.LEDGERLINE_EVENT_STORE) ?? (present(env.DATABASE_URL) ? 'postgres' : undefined),
    DATABASE_URL: present(env.DATABASE_URL),
    LEDGERLINE_MASTER_KEY: present(env.LEDGERLINE_MASTER_KEY),
    LEDGERLINE_MASTER_KEY_FILE: present(env.LEDGERLINE_MASTER_KEY_FILE),
    LEDGERLINE_EXPORT_SIGNING_KEY: present(env.LEDGERLINE_EXPORT_SIGNING_KEY),
    LEDGERLINE_EXPORT_SIGNING_KEY_FILE: present(env.LEDGERLINE_EXPORT_SIGNING_KEY_FILE),
    KAFKA_BROKERS: present(env.KAFKA_BROKERS),
    LEDGERLINE_METRICS_TOKEN: present(env.LEDGERLINE_METRICS_TOKEN),
  });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ValidationError('config.invalid', `invalid configuration: ${problems.join('; ')}`, { problems });
}

/** The event store a configuration names; the platform, the workers and the CLI all open it this way. */
export function eventStoreSettingsOf(config: PlatformConfig): EventStoreSettings {
  const maxEventBytes = config.LEDGERLINE_MAX_EVENT_BYTES;
  return config.LEDGERLINE_EVENT_STORE === 'postgres'
    ? {
        kind: 'postgres', connectionString: config.DATABASE_URL!, poolSize: config.LEDGERLINE_PG_POOL_SIZE, maxEventBytes,
        connectTimeoutMs: config.LEDGERLINE_PG_CONNECT_TIMEOUT_MS, statementTimeoutMs: config.LEDGERLINE_PG_STATEMENT_TIMEOUT_MS,
        idleInTransactionTimeoutMs: config.LEDGERLINE_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      }
    : { kind: 'sqlite', dataDir: config.LEDGERLINE_DATA_DIR, maxEventBytes };
}

/** The scale-out Kafka the operations endpoints look at (dead letters, consumer lag), as `ledgerline dlq` finds it: null without KAFKA_BROKERS. */
export function operationsKafkaOf(config: PlatformConfig): OperationsKafkaSettings | null {
  return config.KAFKA_BROKERS ? { brokers: parseBrokers(config.KAFKA_BROKERS), eventsTopic: config.LEDGERLINE_KAFKA_TOPIC, runRetryDelaysMs: config.LEDGERLINE_RUN_RETRY_DELAYS_MS } : null;
}

/** Where a configuration's export signing key comes from; the platform, the workers and the CLI all load it this way. */
export function exportSigningKeySourceOf(config: PlatformConfig): ExportSigningKeySource {
  return { pem: config.LEDGERLINE_EXPORT_SIGNING_KEY, file: config.LEDGERLINE_EXPORT_SIGNING_KEY_FILE, dataDir: config.LEDGERLINE_DATA_DIR };
}
