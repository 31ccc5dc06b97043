import type { AuthConfigInput } from './auth-config.js';

/** The environment variables of authentication, with what each configures. */
export const AUTH_ENV = {
  publicUrl: 'LEDGERLINE_PUBLIC_URL',
  issuer: 'LEDGERLINE_AUTH_ISSUER',
  jwksUrl: 'LEDGERLINE_AUTH_JWKS_URL',
  publicKeyFile: 'LEDGERLINE_AUTH_PUBLIC_KEY_FILE',
  algorithms: 'LEDGERLINE_AUTH_ALGORITHMS',
  clockToleranceSeconds: 'LEDGERLINE_AUTH_CLOCK_TOLERANCE_SECONDS',
  allowedOrigins: 'LEDGERLINE_ALLOWED_ORIGINS',
} as const;

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_PORT = 3000;

/** LEDGERLINE_PUBLIC_URL, else http://127.0.0.1:<LEDGERLINE_PORT, else PORT, else 3000>. */
export function defaultPublicUrl(env: NodeJS.ProcessEnv): string {
  return nonEmpty(env[AUTH_ENV.publicUrl]) ?? `http://127.0.0.1:${nonEmpty(env.LEDGERLINE_PORT) ?? nonEmpty(env.PORT) ?? DEFAULT_PORT}`;
}

/** Reads the authentication variables; `parseAuthConfig` / `resolveAuthSettings` validate them. */
export function authConfigInputFromEnv(env: NodeJS.ProcessEnv, base?: { publicUrl?: string; dataDir?: string }): AuthConfigInput {
  return {
    publicUrl: base?.publicUrl ?? defaultPublicUrl(env),
    dataDir: base?.dataDir ?? nonEmpty(env.LEDGERLINE_DATA_DIR) ?? DEFAULT_DATA_DIR,
    issuer: nonEmpty(env[AUTH_ENV.issuer]),
    jwksUrl: nonEmpty(env[AUTH_ENV.jwksUrl]),
    publicKeyFile: nonEmpty(env[AUTH_ENV.publicKeyFile]),
    algorithms: nonEmpty(env[AUTH_ENV.algorithms]),
    clockToleranceSeconds: nonEmpty(env[AUTH_ENV.clockToleranceSeconds]),
    allowedOrigins: nonEmpty(env[AUTH_ENV.allowedOrigins]),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
