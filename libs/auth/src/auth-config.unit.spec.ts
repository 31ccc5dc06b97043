import { describe, expect, it } from '@jest/globals';
import { parseAuthConfig, type AuthConfigInput } from './auth-config.js';
import { authConfigInputFromEnv } from './auth-env.js';
import { AuthConfigError } from './auth.errors.js';

const dev: AuthConfigInput = { publicUrl: 'http://127.0.0.1:3000', dataDir: '/var/lib/ledgerline' };
const external: AuthConfigInput = { ...dev, issuer: 'https://id.example.com/', jwksUrl: 'https://id.example.com/.well-known/jwks.json' };

function refusal(input: AuthConfigInput): AuthConfigError {
  try {
    parseAuthConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('configuration was accepted');
}

describe('parseAuthConfig', () => {
  it('turns the dev issuer on when no issuer is configured, and derives the resource, metadata URL and origins', () => {
    expect(parseAuthConfig(dev)).toEqual({
      publicUrl: 'http://127.0.0.1:3000',
      resourceUrl: 'http://127.0.0.1:3000/mcp',
      resourceMetadataUrl: 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp',
      issuer: 'http://127.0.0.1:3000',
      algorithms: ['HS256'],
      clockToleranceSeconds: 30,
      allowedOrigins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
      authorizationServers: ['http://127.0.0.1:3000'],
      keySource: { kind: 'dev', dataDir: '/var/lib/ledgerline' },
    });
  });

  it('defaults the origins to the public origin plus both loopback names on its port', () => {
    expect(parseAuthConfig({ ...dev, publicUrl: 'https://ledgerline.example.com/' }).allowedOrigins).toEqual([
      'https://ledgerline.example.com',
      'http://localhost:443',
      'http://127.0.0.1:443',
    ]);
    expect(parseAuthConfig({ ...dev, allowedOrigins: 'https://App.example.com, http://localhost:5173/' }).allowedOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it('switches the dev issuer off for an external issuer, keeping the issuer exactly as configured', () => {
    const config = parseAuthConfig(external);
    expect(config.keySource).toEqual({ kind: 'jwks', jwksUrl: external.jwksUrl });
    expect(config.issuer).toBe('https://id.example.com/');
    expect(config.authorizationServers).toEqual(['https://id.example.com/']);
    expect(config.algorithms).toEqual(['RS256', 'ES256']);
    expect(parseAuthConfig({ ...external, algorithms: 'ES384, PS256' }).algorithms).toEqual(['ES384', 'PS256']);
    expect(parseAuthConfig({ ...dev, issuer: 'https://id.example.com', publicKeyFile: '/etc/issuer.pem' }).keySource).toEqual({ kind: 'public-key', file: '/etc/issuer.pem' });
  });

  it('refuses an external issuer without exactly one key source, and a key source without an issuer', () => {
    expect(refusal({ ...dev, issuer: 'https://id.example.com' }).code).toBe('auth.config.key_missing');
    expect(refusal({ ...external, publicKeyFile: '/etc/issuer.pem' }).code).toBe('auth.config.key_conflict');
    expect(refusal({ ...dev, jwksUrl: 'https://id.example.com/jwks' }).code).toBe('auth.config.key_without_issuer');
    expect(refusal({ ...dev, publicKeyFile: '/etc/issuer.pem' }).code).toBe('auth.config.key_without_issuer');
  });

  it('refuses none, HMAC algorithms for an external issuer, and anything but HS256 for the dev issuer', () => {
    for (const algorithms of ['none', 'RS256,none', 'HS256', 'RS256,HS512', 'EdDSA']) {
      const error = refusal({ ...external, algorithms });
      expect(error.code).toBe('auth.config.algorithms');
      expect(error.message).toContain('LEDGERLINE_AUTH_ALGORITHMS');
    }
    for (const algorithms of ['RS256', 'none', 'HS256,RS256', 'HS384']) expect(refusal({ ...dev, algorithms }).code).toBe('auth.config.algorithms');
    expect(parseAuthConfig({ ...dev, algorithms: 'HS256' }).algorithms).toEqual(['HS256']);
  });

  it('refuses public URLs that are not a bare http(s) origin with a real port', () => {
    for (const publicUrl of ['localhost:3000', 'ftp://example.com', 'http://127.0.0.1:3000/mcp', 'http://127.0.0.1:0', 'http://u:p@example.com', 'http://example.com/?a=1']) {
      expect(['auth.config.public_url', 'auth.config.invalid_url']).toContain(refusal({ ...dev, publicUrl }).code);
    }
  });

  it('wants the JWKS over https unless it is on a loopback address', () => {
    expect(refusal({ ...external, jwksUrl: 'http://id.example.com/jwks' }).code).toBe('auth.config.jwks_url');
    expect(parseAuthConfig({ ...external, jwksUrl: 'http://127.0.0.1:8080/jwks' }).keySource.kind).toBe('jwks');
    expect(refusal({ ...external, issuer: 'not a url' }).code).toBe('auth.config.invalid_url');
  });

  it('refuses bad origins and clock tolerances', () => {
    for (const allowedOrigins of ['*', 'null', 'https://app.example.com/path', 'app.example.com']) {
      expect(refusal({ ...dev, allowedOrigins }).code).toBe('auth.config.allowed_origins');
    }
    for (const clockToleranceSeconds of ['-1', '301', '1.5', 'soon']) {
      expect(refusal({ ...dev, clockToleranceSeconds }).code).toBe('auth.config.clock_tolerance');
    }
    expect(parseAuthConfig({ ...dev, clockToleranceSeconds: '0' }).clockToleranceSeconds).toBe(0);
  });

  it('reads the environment, treating empty variables as unset', () => {
    const input = authConfigInputFromEnv({
      LEDGERLINE_PORT: '8080',
      LEDGERLINE_DATA_DIR: '/data',
      LEDGERLINE_AUTH_ISSUER: '',
      LEDGERLINE_AUTH_JWKS_URL: ' ',
      LEDGERLINE_ALLOWED_ORIGINS: 'https://app.example.com',
    });
    expect(input).toMatchObject({ publicUrl: 'http://127.0.0.1:8080', dataDir: '/data', issuer: undefined, jwksUrl: undefined, allowedOrigins: 'https://app.example.com' });
    expect(parseAuthConfig(input).keySource.kind).toBe('dev');
    expect(authConfigInputFromEnv({ LEDGERLINE_PUBLIC_URL: 'https://l.example.com' }).publicUrl).toBe('https://l.example.com');
  });
});
