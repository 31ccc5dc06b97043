// What every bench shares about the processes it starts: the limits it lifts, how it states the
// settings it ran with in its JSON, and how it ends when a call fails.
import { loadPlatformConfig } from '../../apps/platform/src/config/platform.config.js';

/**
 * Per-tenant protections a bench lifts when it is not about them: one tenant (or a few) drives a
 * whole machine's load here, which the defaults (50 calls/s per tenant and tool, 8 runs at a time
 * per tenant) exist to refuse. Rates are at the schema's maximum.
 */
export const LIFTED_LIMITS: Readonly<Record<string, string>> = {
  LEDGERLINE_TOOL_RATE_PER_SEC: '100000',
  LEDGERLINE_TOOL_RATE_BURST: '100000',
  LEDGERLINE_RUN_CONCURRENCY: '64',
  LEDGERLINE_RUN_CONCURRENCY_PER_TENANT: '64',
  // Benches publish their automations through the MCP tool: a person's confirmation is no part of a load.
  LEDGERLINE_MCP_CONFIRM_TOOLS: '',
};

/** Fixture servers listen on loopback, a private address the operator must open for connector calls. */
export const LOOPBACK_EGRESS: Readonly<Record<string, string>> = { LEDGERLINE_EGRESS_PRIVATE_NETWORKS: '127.0.0.1/32' };

/** Variables that differ on every run (or are secret): stated by what they are, not their value. */
const PER_RUN: Readonly<Record<string, string>> = {
  PATH: '',
  LEDGERLINE_PORT: '<free port>',
  LEDGERLINE_DATA_DIR: '<temporary directory>',
  LEDGERLINE_PUBLIC_URL: '<http://127.0.0.1:free port>',
  LEDGERLINE_MASTER_KEY: '<random 32 bytes>',
  DATABASE_URL: '<throw-away PostgreSQL database>',
  KAFKA_BROKERS: '<throw-away Kafka broker>',
  LEDGERLINE_KAFKA_TOPIC: '<random topic>',
};

/** A started process's settings as a bench's JSON states them (sorted; per-run and secret values replaced by what they are). */
export interface StatedSettings {
  /** The variables the bench set. */
  env: Record<string, string>;
  /** Every configuration variable as the process resolves them (the platform, worker and CLI share one schema): the defaults too. */
  config: Record<string, unknown>;
}

/** `values` sorted by name, those the bench set per run replaced (a default, such as the Kafka topic's, is stated as it is). */
function stateEach<T>(values: Readonly<Record<string, T | undefined>>, env: Readonly<Record<string, string>>): Record<string, T | string> {
  const stated: Record<string, T | string> = {};
  for (const name of Object.keys(values).sort()) {
    const value = values[name];
    if (value === undefined || PER_RUN[name] === '') continue;
    stated[name] = name in env ? (PER_RUN[name] ?? value) : value;
  }
  return stated;
}

/** What a process started with `env` (and PATH only) ran with. */
export function statedSettings(env: Readonly<Record<string, string>>): StatedSettings {
  return { env: stateEach(env, env), config: stateEach<unknown>(loadPlatformConfig({ ...env }), env) };
}

/**
 * Runs a bench's main: on the first failure (a refused or failed call ends the measurement, since
 * a rate of errors is not a rate of work) prints the error and exits non-zero, after main's own
 * clean-up. Exits at once so that the other load loops still under way do not keep it alive.
 */
export async function runBench(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`\nbench ${name} FAILED, nothing written: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}
