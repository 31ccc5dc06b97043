// Observability, the framework-free part: the settings of logs and traces, W3C trace context, process warnings as log lines.
// Metrics (prom-client), the request logs (nestjs-pino), the tracer (OpenTelemetry SDK) and their Nest modules: '#observability/nest'.
export * from './observability.settings.js';
export { LOG_CONFIG_SHAPE, LOG_FORMATS, LOG_LEVELS, loggingSettingsOf, type LogFormat, type LoggingSettings, type LogLevel, type LogOutput, type LogVariables } from './logging/log-config.js';
export { QuietStartLogger } from './logging/quiet-start-logger.js';
export { logProcessWarnings } from './process-warnings.js';
export { OTEL_CONFIG_SHAPE, TRACES_SAMPLERS, tracingSettingsOf, type OtelVariables, type TracesSampler, type TracingSettings } from './tracing/otel-config.js';
export { contextOfTraceparent, traceHeaders, traceIdsOf, traceparentOf } from './tracing/trace-context.js';
