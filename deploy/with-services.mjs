#!/usr/bin/env node
// Runs a command with the services it needs: the ones given by environment variables are used
// as they are (DATABASE_URL); the missing ones are started here, throw-away, and stopped after.
//   node deploy/with-services.mjs -- <command> [args…]
//   node deploy/with-services.mjs --kafka -- <command>   also a Kafka broker (KAFKA_BROKERS)
//   node deploy/with-services.mjs --browser -- <command>   also Chromium for the browser tests (LEDGERLINE_CHROMIUM)
// Kafka is asked for (with --kafka, or LEDGERLINE_WITH_KAFKA=1): its first start fetches ~45 MB
// of jars, which commands that do not use it should not pay for. So is the browser (--browser, or
// LEDGERLINE_WITH_BROWSER=1): nothing runs until a test launches it, but a missing one is installed.
import { startPostgres } from './postgres/local-postgres.mjs';
import { log, runForwardingSignals } from './service-utils.mjs';

const separator = process.argv.indexOf('--');
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
if (command.length === 0) {
  console.error('usage: node deploy/with-services.mjs -- <command> [args…]');
  process.exit(2);
}

const flags = process.argv.slice(2, separator);
const started = [];
let exitCode = 1;
try {
  const env = { ...process.env };
  // First: finding (or installing) it takes a second, and a missing one should fail before anything starts.
  if (flags.includes('--browser') || env.LEDGERLINE_WITH_BROWSER === '1') {
    const { findChromium } = await import('./chromium/local-chromium.mjs');
    const chromium = findChromium(env);
    env.LEDGERLINE_CHROMIUM = chromium.executablePath;
    log(`${chromium.version} at ${chromium.executablePath}`);
  }
  if (!env.DATABASE_URL) {
    const postgres = await startPostgres();
    started.push(postgres);
    env.DATABASE_URL = postgres.url;
  } else {
    log('using PostgreSQL from DATABASE_URL');
  }
  if (flags.includes('--kafka') || env.LEDGERLINE_WITH_KAFKA === '1') {
    if (env.KAFKA_BROKERS) {
      log(`using Kafka from KAFKA_BROKERS (${env.KAFKA_BROKERS})`);
    } else {
      // Loaded only when asked for, so that without the variable nothing here changes.
      const { startKafka } = await import('./kafka/local-kafka.mjs');
      const kafka = await startKafka();
      started.push(kafka);
      env.KAFKA_BROKERS = kafka.brokers;
    }
  }
  exitCode = await runForwardingSignals(command, env);
} catch (error) {
  console.error(`[services] ${error.stack ?? error}`);
} finally {
  for (const service of started.reverse()) await service.stop().catch((error) => console.error(`[services] stop failed: ${error}`));
}
process.exit(exitCode);
