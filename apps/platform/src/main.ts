import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { PlatformConfig } from './config/platform.config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(process.env));
  app.enableShutdownHooks();
  const config = app.get<ConfigService<PlatformConfig, true>>(ConfigService);
  const host = config.get('LEDGERLINE_HOST', { infer: true });
  await app.listen(config.get('LEDGERLINE_PORT', { infer: true }), host);
  const url = await app.getUrl();
  new Logger('Ledgerline').log(`platform listening on ${url} (event store: ${config.get('LEDGERLINE_EVENT_STORE', { infer: true })}); health at ${url}/healthz`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
