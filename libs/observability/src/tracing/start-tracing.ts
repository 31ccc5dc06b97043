import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
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
 */
export function startTracing(settings: TracingSettings): Tracing {
  if (running) return NO_TRACING;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    sampler: samplerOf(settings.sampler, settings.samplerArg),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }), { scheduledDelayMillis: settings.scheduleDelayMs })],
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

function samplerOf(name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
