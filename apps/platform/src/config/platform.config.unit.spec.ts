import { describe, expect, it } from '@jest/globals';
import { resolveAuthSettings } from '#auth';
import { identitySettingsFor } from './identity-settings-for.js';
import { loadPlatformConfig } from './platform.config.js';

describe('platform configuration', () => {
  it('defaults to the embedded store on 127.0.0.1:3000 with ./data', () => {
    expect(loadPlatformConfig({})).toMatchObject({
      LEDGERLINE_HOST: '127.0.0.1', LEDGERLINE_PORT: 3000, LEDGERLINE_DATA_DIR: './data', LEDGERLINE_EVENT_STORE: 'sqlite', LEDGERLINE_MAX_EVENT_BYTES: 1048576,
    });
  });

  it('selects PostgreSQL when DATABASE_URL is set, unless the store is named', () => {
    expect(loadPlatformConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).LEDGERLINE_EVENT_STORE).toBe('postgres');
    expect(loadPlatformConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db', LEDGERLINE_EVENT_STORE: 'sqlite' }).LEDGERLINE_EVENT_STORE).toBe('sqlite');
    expect(loadPlatformConfig({ DATABASE_URL: '' }).LEDGERLINE_EVENT_STORE).toBe('sqlite');
  });

  it('takes PORT when LEDGERLINE_PORT is not set', () => {
    expect(loadPlatformConfig({ PORT: '8080' }).LEDGERLINE_PORT).toBe(8080);
    expect(loadPlatformConfig({ PORT: '8080', LEDGERLINE_PORT: '9090' }).LEDGERLINE_PORT).toBe(9090);
  });

  it('names every bad variable', () => {
    expect(() => loadPlatformConfig({ PORT: 'eighty', LEDGERLINE_EVENT_STORE: 'postgres', LEDGERLINE_PG_POOL_SIZE: '0' }))
      .toThrow(/LEDGERLINE_PORT.*LEDGERLINE_PG_POOL_SIZE.*|LEDGERLINE_PG_POOL_SIZE.*LEDGERLINE_PORT/);
  });

  it('takes the standard OpenTelemetry variables and refuses bad ones by name', () => {
    expect(loadPlatformConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5', OTEL_BSP_SCHEDULE_DELAY: '' }))
      .toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.5, OTEL_BSP_SCHEDULE_DELAY: undefined });
    expect(() => loadPlatformConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadPlatformConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/v1/traces' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(() => loadPlatformConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() => loadPlatformConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadPlatformConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: http\/json or http\/protobuf/);
    expect(() => loadPlatformConfig({ OTEL_BSP_SCHEDULE_DELAY: 'soon' })).toThrow(/OTEL_BSP_SCHEDULE_DELAY/);
  });

  it('takes the log format, blank as unset, and refuses another by name with the value given', () => {
    expect(loadPlatformConfig({}).LEDGERLINE_LOG_FORMAT).toBeUndefined();
    expect(loadPlatformConfig({ LEDGERLINE_LOG_FORMAT: '' }).LEDGERLINE_LOG_FORMAT).toBeUndefined();
    expect(loadPlatformConfig({ LEDGERLINE_LOG_FORMAT: 'pretty' }).LEDGERLINE_LOG_FORMAT).toBe('pretty');
    expect(() => loadPlatformConfig({ LEDGERLINE_LOG_FORMAT: 'xml' })).toThrow(expect.objectContaining({
      code: 'config.invalid',
      message: expect.stringContaining('LEDGERLINE_LOG_FORMAT: json or pretty, not "xml"'),
    }));
  });

  it('builds the upstream sign-in provider from LEDGERLINE_OIDC_*, blank ones unset, and names a bad one', () => {
    const auth = resolveAuthSettings({ publicUrl: 'http://127.0.0.1:3000', dataDir: './data' });
    const settingsOf = (env: Record<string, string>) => identitySettingsFor(loadPlatformConfig(env), auth, ['memory:read']);
    expect(settingsOf({ LEDGERLINE_OIDC_ISSUER: '', LEDGERLINE_OIDC_TENANT_CLAIM: ' ' }).upstreamProviders).toEqual([]);
    const env = { LEDGERLINE_OIDC_ISSUER: 'https://sso.example.com', LEDGERLINE_OIDC_CLIENT_ID: 'ledgerline', LEDGERLINE_OIDC_CLIENT_SECRET: 's3cret', LEDGERLINE_OIDC_TENANT_CLAIM: 'org', LEDGERLINE_OIDC_USER_CLAIM: 'email' };
    expect(settingsOf(env).upstreamProviders).toMatchObject([{ id: 'default', issuer: 'https://sso.example.com', clientId: 'ledgerline', userClaim: 'email' }]);
    expect(() => settingsOf({ ...env, LEDGERLINE_OIDC_ISSUER: 'http://sso.example.com' })).toThrow(/LEDGERLINE_OIDC_ISSUER/);
  });
});
