import { context, propagation, trace } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracesSampler, TracingSettings } from './otel-config.js';

/** A process's tracing: flush and stop it when the process ends, or spans still batched are lost. */
export interface Tracing {
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = { shutdown: async () => undefined };

let running: NodeTracerProvider | undefined;

/** Whether this process records spans; without tracing, the code paths that create spans do nothing at all. */
export function tracingEnabled(): boolean {
  return running !== undefined;
}

/**
 * Registers the process's tracer provider (AsyncLocalStorage context, W3C trace context, batched
 * OTLP/HTTP export; headers, TLS and timeouts from the standard OTEL_EXPORTER_OTLP_* variables).
 * One per process: a second start (a second app in one test process) shares the first.
 * The SDK and its exporter (some 350 modules) are loaded here, only when tracing is on: a process
 * without it starts without them.
 */
export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  if (running) return NO_TRACING;
  const [{ W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }, sdk, { NodeTracerProvider }, { ATTR_SERVICE_NAME }] = await Promise.all([
    import('@opentelemetry/core'), import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'), import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/semantic-conventions'),
  ]);
  // Another start may have won the race while the modules loaded.
  if (running) return NO_TRACING;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    sampler: samplerOf(sdk, settings.sampler, settings.samplerArg),
    spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }), { scheduledDelayMillis: settings.scheduleDelayMs })],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  running = provider;
  return {
    async shutdown() {
      if (running !== provider) return;
      running = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function samplerOf(sdk: typeof import('@opentelemetry/sdk-trace-base'), name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on': return new sdk.AlwaysOnSampler();
    case 'always_off': return new sdk.AlwaysOffSampler();
    case 'traceidratio': return new sdk.TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case 'parentbased_always_off': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio) });
  }
}
