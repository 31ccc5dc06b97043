import { z } from 'zod';

/** A variable set to '' counts as unset, as the OpenTelemetry SDKs read it. */
const unsetWhenEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetWhenEmpty, schema.optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. http://localhost:4318' });
const otlpProtocol = z.enum(['http/json', 'http/protobuf'], { error: 'http/json or http/protobuf: this build exports OTLP over HTTP (JSON, which every OTLP/HTTP receiver accepts); grpc is not supported' });

export const TRACES_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/**
 * The standard OpenTelemetry variables the platform and the worker honour for traces, as zod
 * fields for the platform's configuration schema (a bad value stops the start, naming it).
 */
export const OTEL_CONFIG_SHAPE = {
  OTEL_SDK_DISABLED: optional(z.enum(['true', 'false'])),
  OTEL_TRACES_EXPORTER: optional(z.enum(['otlp', 'none'], { error: 'otlp or none' })),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(httpUrl),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(httpUrl),
  OTEL_EXPORTER_OTLP_PROTOCOL: optional(otlpProtocol),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optional(otlpProtocol),
  OTEL_SERVICE_NAME: optional(z.string().regex(/^[\x21-\x7e]{1,255}$/, '1-255 visible ASCII characters')),
  OTEL_TRACES_SAMPLER: optional(z.enum(TRACES_SAMPLERS)),
  OTEL_TRACES_SAMPLER_ARG: optional(z.coerce.number().min(0).max(1)),
  OTEL_BSP_SCHEDULE_DELAY: optional(z.coerce.number().int().min(0).max(3_600_000)),
};

export type OtelVariables = { [K in keyof typeof OTEL_CONFIG_SHAPE]: z.infer<(typeof OTEL_CONFIG_SHAPE)[K]> };

/** What a process needs to export its traces. */
export interface TracingSettings {
  serviceName: string;
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  tracesUrl: string;
  sampler: TracesSampler;
  samplerArg: number;
  /** Export delay of the batch span processor; the SDK's default (5 s) when undefined. */
  scheduleDelayMs: number | undefined;
}

/**
 * Tracing settings from the OTEL_* variables, or undefined when traces are off: no endpoint set,
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. The traces endpoint is used as given; the
 * general one gets `/v1/traces` appended, as the OTLP specification says.
 */
export function tracingSettingsOf(vars: Partial<OtelVariables>, defaultServiceName: string): TracingSettings | undefined {
  if (vars.OTEL_SDK_DISABLED === 'true' || vars.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const tracesUrl = vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (vars.OTEL_EXPORTER_OTLP_ENDPOINT && `${vars.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  return {
    serviceName: vars.OTEL_SERVICE_NAME ?? defaultServiceName,
    tracesUrl,
    sampler: vars.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    samplerArg: vars.OTEL_TRACES_SAMPLER_ARG ?? 1,
    scheduleDelayMs: vars.OTEL_BSP_SCHEDULE_DELAY,
  };
}
