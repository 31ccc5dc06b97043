// Observability: Prometheus metrics (the registry, the platform's metrics, the scrape endpoint), JSON logs, OpenTelemetry traces.
export * from './metrics.js';
export * from './observability.settings.js';
export { ObservabilityModule } from './observability.module.js';
export { mayScrape, scrapeMetrics } from './scrape.js';
export { logContext, loggingModule, type RequestLogContext } from './logging.js';
export { logProcessWarnings } from './process-warnings.js';
export * from './tracing/index.js';
