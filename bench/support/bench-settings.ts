// What every bench shares about the processes it starts: the limits it lifts, how it states the
// settings it ran with in its JSON, and how it ends when a call fails.

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

/** The environment a process was started with, as a bench's JSON states it (sorted; per-run values replaced). */
export function statedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const stated: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || PER_RUN[name] === '') continue;
    stated[name] = PER_RUN[name] ?? value;
  }
  return stated;
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
