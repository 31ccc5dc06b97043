import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { CommandBus } from '@nestjs/cqrs';
import { AUTH_SETTINGS, type AuthSettings } from '#auth';
import { CreateTenantCommand, PLATFORM_TENANT, TenantExistsError } from '#tenants';
import { AppModule, PLATFORM_SCOPES } from './app.module.js';
import { configureApp } from './configure-app.js';
import type { PlatformConfig } from './config/platform.config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(process.env), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  configureApp(app);
  const config = app.get<ConfigService<PlatformConfig, true>>(ConfigService);
  await app.listen(config.get('LEDGERLINE_PORT', { infer: true }), config.get('LEDGERLINE_HOST', { infer: true }));
  const url = await app.getUrl();
  const auth = app.get<AuthSettings>(AUTH_SETTINGS);
  const logger = new Logger('Ledgerline');
  logger.log(`platform listening on ${url} (event store: ${config.get('LEDGERLINE_EVENT_STORE', { infer: true })})`);
  logger.log(`MCP endpoint: ${auth.resourceUrl} (Streamable HTTP, stateless, bearer token)`);
  if (auth.key.kind === 'dev') {
    await createDemoTenant(app.get(CommandBus));
    logger.log(
      `dev issuer on (${auth.key.created ? 'signing key created' : 'signing key'} in ${auth.key.keyFile}); get a token with:\n` +
        `  npm run cli -- token --tenant demo --user demo-user --scopes "${PLATFORM_SCOPES.join(' ')}"`,
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

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
