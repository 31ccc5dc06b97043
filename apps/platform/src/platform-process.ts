import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { CommandBus } from '@nestjs/cqrs';
import { loggingSettingsOf, logProcessWarnings, QuietStartLogger } from '#observability';
import { AUTH_SETTINGS, type AuthSettings } from '#auth';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';
import { loadPlatformConfig } from './config/platform.config.js';
import { DrainState } from './lifecycle/drain-state.js';
import { closeConnectionsWhileDraining, installGracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { PlatformHttpAdapter } from './lifecycle/platform-http-adapter.js';
import { failStart } from './lifecycle/start-failure.js';
import { createDemoTenant } from './start/demo-tenant.js';
import { announceStart } from './start/start-banner.js';
import { startFactsOf } from './start/start-facts.js';

/** Set once the app exists: a signal that lands while the start is still finishing is a stop, not a failed start. */
let drainState: DrainState | undefined;

async function bootstrap(): Promise<void> {
  const config = loadPlatformConfig(process.env);
  const adapter = new PlatformHttpAdapter({
    headersTimeoutMs: config.LEDGERLINE_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.LEDGERLINE_HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.LEDGERLINE_HTTP_KEEP_ALIVE_TIMEOUT_MS,
  });
  const logger = new Logger('Ledgerline');
  // Before the modules start: connecting to Kafka can already warn.
  logProcessWarnings(logger);
  const app = await NestFactory.create(AppModule.forRoot(process.env), adapter, { bufferLogs: true });
  app.useLogger(new QuietStartLogger(app.get(PinoLogger)));
  const drain = app.get(DrainState);
  drainState = drain;
  app.use(closeConnectionsWhileDraining(drain));
  configureApp(app);
  installGracefulShutdown(app, { delayMs: config.LEDGERLINE_SHUTDOWN_DELAY_MS, timeoutMs: config.LEDGERLINE_SHUTDOWN_TIMEOUT_MS }, logger);
  await app.listen(config.LEDGERLINE_PORT, config.LEDGERLINE_HOST);
  if (app.get<AuthSettings>(AUTH_SETTINGS).key.kind === 'dev') await createDemoTenant(app.get(CommandBus));
  announceStart(await startFactsOf(app, config), loggingSettingsOf(config), logger);
}

// After listening, the start still creates the demo tenant and prints the banner: a SIGTERM then closes
// the stores under them, and the drain's own exit (0) is the process's outcome, not that step's error.
bootstrap().catch((error: unknown) => {
  if (drainState?.draining) return;
  failStart(error);
});
