export { OTEL_CONFIG_SHAPE, TRACES_SAMPLERS, tracingSettingsOf, type OtelVariables, type TracesSampler, type TracingSettings } from './otel-config.js';
export { NO_TRACING, startTracing, tracingEnabled, type Tracing } from './start-tracing.js';
export { TRACING, TracingModule } from './tracing.module.js';
export { inSpan, markFailed, SpanKind, type Span, type SpanSpec } from './spans.js';
export { contextOfTraceparent, traceHeaders, traceIdsOf, traceparentOf } from './trace-context.js';
export { httpTracing } from './http-tracing.js';
