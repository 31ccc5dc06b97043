import { describe, expect, it } from '@jest/globals';
import { tracingSettingsOf } from './otel-config.js';

describe('tracing settings from the OTEL_* variables', () => {
  it('are off without an endpoint, with OTEL_SDK_DISABLED=true and with OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingSettingsOf({}, 'ledgerline-platform')).toBeUndefined();
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, 'ledgerline-platform')).toBeUndefined();
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, 'ledgerline-platform')).toBeUndefined();
  });

  it('append /v1/traces to the general endpoint and take the traces endpoint as given', () => {
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'x')?.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp' }, 'x')?.tracesUrl).toBe('http://collector:4318/otlp/v1/traces');
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' }, 'x')?.tracesUrl).toBe('https://b/custom');
  });

  it('default the service name per process and sample everything that its parent does not say otherwise', () => {
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'ledgerline-worker')).toEqual({
      serviceName: 'ledgerline-worker', tracesUrl: 'http://c:4318/v1/traces', sampler: 'parentbased_always_on', samplerArg: 1, scheduleDelayMs: undefined,
    });
    expect(tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'billing-api', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.25, OTEL_BSP_SCHEDULE_DELAY: 200 }, 'x'))
      .toEqual({ serviceName: 'billing-api', tracesUrl: 'http://c:4318/v1/traces', sampler: 'traceidratio', samplerArg: 0.25, scheduleDelayMs: 200 });
  });
});
