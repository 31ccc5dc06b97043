import 'reflect-metadata';
import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { eventStoreLocationOf } from '#event-store';
import { logProcessWarnings, QuietStartLogger } from '#observability';
import { mayScrape, scrapeMetrics } from '#observability/nest';
import { eventStoreSettingsOf, loadPlatformConfig } from '../../platform/src/config/platform.config.js';
import { drainOnSignal } from '../../platform/src/lifecycle/drain-on-signal.js';
import { Readiness } from '../../platform/src/health/readiness.js';
import { DrainState } from '../../platform/src/lifecycle/drain-state.js';
import { failStart } from '../../platform/src/lifecycle/start-failure.js';
import { workerDrain } from './worker-drain.js';
import { WorkerModule } from './worker.module.js';

/** A worker has no API; it answers /healthz, /readyz (the event store reads) and /metrics for orchestrators, scrapers and tests. */
async function bootstrap(): Promise<void> {
  const config = loadPlatformConfig(process.env);
  const logger = new Logger('Ledgerline');
  // Before the modules start: connecting to Kafka can already warn.
  logProcessWarnings(logger);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(process.env), { bufferLogs: true });
  app.useLogger(new QuietStartLogger(app.get(PinoLogger)));
  drainOnSignal(app, app.get(DrainState), workerDrain(app, config.LEDGERLINE_SHUTDOWN_TIMEOUT_MS, Boolean(config.KAFKA_BROKERS)), logger);
  const readiness = app.get(Readiness);
  const health = createServer((req, res) => {
    const answer = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/healthz') return answer(200, { status: 'ok' });
    if (req.url === '/readyz') {
      void readiness.check().then(({ checks, headPosition }) => {
        if (checks.drain !== 'ok') return answer(503, { status: 'draining', role: 'worker' });
        if (headPosition === undefined) return answer(503, { status: 'unavailable' });
        answer(200, { status: 'ready', role: 'worker', headPosition });
      });
      return;
    }
    if (req.url === '/metrics') {
      if (!mayScrape(req.headers.authorization, config.LEDGERLINE_METRICS_TOKEN)) return answer(401, { error: { code: 'metrics.unauthorized', message: 'metrics need the scrape token' } });
      scrapeMetrics().then(({ contentType, body }) => void res.writeHead(200, { 'content-type': contentType }).end(body), () => answer(500, { error: 'metrics failed' }));
      return;
    }
    answer(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => health.listen(config.LEDGERLINE_PORT, config.LEDGERLINE_HOST, resolve));
  const events = eventStoreLocationOf(eventStoreSettingsOf(config));
  const bus = config.KAFKA_BROKERS ? `Kafka ${config.KAFKA_BROKERS}, topic ${config.LEDGERLINE_KAFKA_TOPIC}` : 'the log';
  logger.log({ msg: `worker ready (health on http://${config.LEDGERLINE_HOST}:${config.LEDGERLINE_PORT}/readyz; events in ${events}; runs and views from ${bus})`, store: events, bus });
}

bootstrap().catch(failStart);
