// Observability, the part on heavy packages: Prometheus metrics (prom-client) and /metrics, request logs (nestjs-pino, pino-pretty), the OpenTelemetry tracer and spans, their Nest modules.
export * from './metrics.js';
export { ObservabilityModule } from './observability.module.js';
export { mayScrape, scrapeMetrics } from './scrape.js';
export { logContext, loggingModule, type RequestLogContext } from './logging/logging.js';
export { prettyLogStream } from './logging/pretty-log.js';
export { NO_TRACING, startTracing, tracingEnabled, type Tracing } from './tracing/start-tracing.js';
export { TRACING, TracingModule } from './tracing/tracing.module.js';
export { inSpan, markFailed, SpanKind, type Span, type SpanSpec } from './tracing/spans.js';
export { httpTracing } from './tracing/http-tracing.js';
