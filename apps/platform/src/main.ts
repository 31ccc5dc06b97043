import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { CommandBus } from '@nestjs/cqrs';
import { logProcessWarnings, QuietStartLogger } from '#observability';
import { AUTH_SETTINGS, type AuthSettings } from '#auth';
import { OPTIONAL_AUTHORIZATION_SERVER } from './optional-authorization-server.js';
import { CreateTenantCommand, PLATFORM_TENANT, TenantExistsError } from '#tenants';
import { AppModule, PLATFORM_SCOPES } from './app.module.js';
import { configureApp } from './configure-app.js';
import { loadPlatformConfig } from './config/platform.config.js';
import { DrainState } from './lifecycle/drain-state.js';
import { closeConnectionsWhileDraining, installGracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { PlatformHttpAdapter } from './lifecycle/platform-http-adapter.js';
import { failStart } from './lifecycle/start-failure.js';

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
  app.use(closeConnectionsWhileDraining(app.get(DrainState)));
  configureApp(app);
  installGracefulShutdown(app, { delayMs: config.LEDGERLINE_SHUTDOWN_DELAY_MS, timeoutMs: config.LEDGERLINE_SHUTDOWN_TIMEOUT_MS }, logger);
  await app.listen(config.LEDGERLINE_PORT, config.LEDGERLINE_HOST);
  const url = await app.getUrl();
  const auth = app.get<AuthSettings>(AUTH_SETTINGS);
  logger.log(`platform listening on ${url} (event store: ${config.LEDGERLINE_EVENT_STORE})`);
  logger.log(`MCP endpoint: ${auth.resourceUrl} (Streamable HTTP, stateless, bearer token)`);
  if (auth.key.kind === 'dev') {
    await createDemoTenant(app.get(CommandBus));
    logger.log(
      `dev issuer on (${auth.key.created ? 'signing key created' : 'signing key'} in ${auth.key.keyFile}); get a token with:\n` +
        `  ./run npm run -s cli -- token --tenant demo --user demo-user --scopes "${PLATFORM_SCOPES.join(' ')}"`,
    );
  }
  if (app.get(OPTIONAL_AUTHORIZATION_SERVER, { strict: false })) {
    logger.log(
      `authorization server on (${auth.issuer}/.well-known/oauth-authorization-server): MCP clients sign in by URL alone. Create a sign-in with:\n` +
        `  ./run npm run -s cli -- users add <username> --tenant demo   (prints a generated password once; --password-stdin to give one)`,
    );
  }
  logger.log(`admin API docs: ${url}/docs (OpenAPI: ${url}/docs/openapi.json)`);
}

/** With the dev issuer, the platform has a tenant to try things with from its first start. */
async function createDemoTenant(commandBus: CommandBus): Promise<void> {
  const metadata = { tenantId: PLATFORM_TENANT, userId: 'ledgerline', clientId: 'ledgerline-platform', scopes: [], correlationId: 'demo-tenant' };
  await commandBus.execute(new CreateTenantCommand(metadata, 'demo', 'Demo tenant')).catch((error: unknown) => {
    if (!(error instanceof TenantExistsError)) throw error;
  });
}

bootstrap().catch(failStart);
