// Observability: Prometheus metrics (the registry, the platform's metrics, the scrape endpoint), logs (JSON, or pretty on a terminal), OpenTelemetry traces.
export * from './metrics.js';
export * from './observability.settings.js';
export { ObservabilityModule } from './observability.module.js';
export { mayScrape, scrapeMetrics } from './scrape.js';
export * from './logging/index.js';
export { logProcessWarnings } from './process-warnings.js';
export * from './tracing/index.js';
