import { checkAlgorithms, DEFAULT_EXTERNAL_ALGORITHMS, DEV_ALGORITHM, type VerificationAlgorithm } from './algorithms.js';
import { AuthConfigError } from './auth.errors.js';

/** The authentication configuration values, as the environment spells them (see `authConfigInputFromEnv`). */
export interface AuthConfigInput {
  /** Base URL clients reach this server at (LEDGERLINE_PUBLIC_URL), e.g. http://127.0.0.1:3000. */
  publicUrl: string;
  /** Where the dev issuer keeps its key (LEDGERLINE_DATA_DIR). */
  dataDir: string;
  /** LEDGERLINE_AUTH_ISSUER: set, the external issuer replaces the dev issuer. */
  issuer?: string;
  /** LEDGERLINE_AUTH_JWKS_URL */
  jwksUrl?: string;
  /** LEDGERLINE_AUTH_PUBLIC_KEY_FILE: a PEM public key (SPKI) or certificate. */
  publicKeyFile?: string;
  /** LEDGERLINE_AUTH_ALGORITHMS, comma-separated; default RS256,ES256 (external issuers only). */
  algorithms?: string | readonly string[];
  /** LEDGERLINE_ALLOWED_ORIGINS, comma-separated; default the public URL's origin and the loopback names on its port. */
  allowedOrigins?: string | readonly string[];
  /** LEDGERLINE_AUTH_CLOCK_TOLERANCE_SECONDS, 0-300; default 30. */
  clockToleranceSeconds?: number | string;
}

export type KeySource = { kind: 'dev'; dataDir: string } | { kind: 'jwks'; jwksUrl: string } | { kind: 'public-key'; file: string };

/** Validated configuration; key material is not loaded yet (that is `resolveAuthSettings`). */
export interface AuthConfig {
  /** The public URL's origin, without a trailing slash. */
  publicUrl: string;
  /** The MCP endpoint: the audience every token must name (RFC 8707). */
  resourceUrl: string;
  /** Where RFC 9728 metadata for `resourceUrl` is served, named in every WWW-Authenticate challenge. */
  resourceMetadataUrl: string;
  issuer: string;
  algorithms: VerificationAlgorithm[];
  clockToleranceSeconds: number;
  allowedOrigins: string[];
  authorizationServers: string[];
  keySource: KeySource;
}

export const MCP_PATH = '/mcp';
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** Pure: checks that the values work together and derives the rest. Empty strings count as unset. */
export function parseAuthConfig(input: AuthConfigInput): AuthConfig {
  const publicUrl = parsePublicUrl(input.publicUrl);
  const issuer = present(input.issuer);
  const keySource = keySourceOf(issuer, present(input.jwksUrl), present(input.publicKeyFile), input.dataDir);
  const requestedAlgorithms = listOf(input.algorithms);
  const algorithms = checkAlgorithms(
    keySource.kind,
    requestedAlgorithms ?? (keySource.kind === 'dev' ? [DEV_ALGORITHM] : DEFAULT_EXTERNAL_ALGORITHMS),
  );
  const effectiveIssuer = issuer ?? publicUrl.origin;
  return {
    publicUrl: publicUrl.origin,
    resourceUrl: `${publicUrl.origin}${MCP_PATH}`,
    resourceMetadataUrl: `${publicUrl.origin}${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`,
    issuer: effectiveIssuer,
    algorithms,
    clockToleranceSeconds: clockToleranceOf(input.clockToleranceSeconds),
    allowedOrigins: allowedOriginsOf(listOf(input.allowedOrigins), publicUrl),
    authorizationServers: [effectiveIssuer],
    keySource,
  };
}

function keySourceOf(issuer: string | undefined, jwksUrl: string | undefined, publicKeyFile: string | undefined, dataDir: string): KeySource {
  if (issuer === undefined) {
    if (jwksUrl !== undefined || publicKeyFile !== undefined) {
      throw new AuthConfigError('auth.config.key_without_issuer', 'LEDGERLINE_AUTH_JWKS_URL and LEDGERLINE_AUTH_PUBLIC_KEY_FILE need LEDGERLINE_AUTH_ISSUER (the issuer whose tokens they verify)');
    }
    if (present(dataDir) === undefined) throw new AuthConfigError('auth.config.data_dir', 'the dev issuer needs a data directory (LEDGERLINE_DATA_DIR)');
    return { kind: 'dev', dataDir };
  }
  checkHttpUrl(issuer, 'LEDGERLINE_AUTH_ISSUER');
  if (jwksUrl !== undefined && publicKeyFile !== undefined) {
    throw new AuthConfigError('auth.config.key_conflict', 'set one of LEDGERLINE_AUTH_JWKS_URL and LEDGERLINE_AUTH_PUBLIC_KEY_FILE, not both');
  }
  if (jwksUrl !== undefined) {
    const url = checkHttpUrl(jwksUrl, 'LEDGERLINE_AUTH_JWKS_URL');
    // Keys fetched over plain HTTP could be swapped on the way; only loopback is exempt.
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new AuthConfigError('auth.config.jwks_url', 'LEDGERLINE_AUTH_JWKS_URL must use https (plain http only on a loopback address)');
    }
    return { kind: 'jwks', jwksUrl };
  }
  if (publicKeyFile !== undefined) return { kind: 'public-key', file: publicKeyFile };
  throw new AuthConfigError('auth.config.key_missing', 'LEDGERLINE_AUTH_ISSUER needs LEDGERLINE_AUTH_JWKS_URL or LEDGERLINE_AUTH_PUBLIC_KEY_FILE to verify its tokens');
}

function parsePublicUrl(value: string): URL {
  const url = checkHttpUrl(value, 'LEDGERLINE_PUBLIC_URL');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new AuthConfigError('auth.config.public_url', 'LEDGERLINE_PUBLIC_URL must be a bare origin such as https://ledgerline.example.com (the MCP endpoint is its /mcp)');
  }
  if (url.port === '0') throw new AuthConfigError('auth.config.public_url', 'LEDGERLINE_PUBLIC_URL needs the real port clients connect to, not 0');
  return url;
}

function allowedOriginsOf(configured: string[] | undefined, publicUrl: URL): string[] {
  if (configured === undefined) {
    const port = publicUrl.port || (publicUrl.protocol === 'https:' ? '443' : '80');
    return [...new Set([publicUrl.origin, new URL(`http://localhost:${port}`).origin, new URL(`http://127.0.0.1:${port}`).origin])];
  }
  return configured.map((origin) => {
    const url = parseUrl(origin);
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
      throw new AuthConfigError('auth.config.allowed_origins', `LEDGERLINE_ALLOWED_ORIGINS: ${JSON.stringify(origin)} is not an origin such as https://app.example.com`);
    }
    return url.origin;
  });
}

function clockToleranceOf(value: number | string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const seconds = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new AuthConfigError('auth.config.clock_tolerance', `LEDGERLINE_AUTH_CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  return seconds;
}

function checkHttpUrl(value: string, variable: string): URL {
  const url = parseUrl(value);
  if (!url) throw new AuthConfigError('auth.config.invalid_url', `${variable} is not a URL`, { variable });
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthConfigError('auth.config.invalid_url', `${variable} must be an http or https URL`, { variable });
  }
  return url;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function listOf(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (typeof value === 'string' ? value.split(',') : value).map((item) => item.trim()).filter((item) => item !== '');
  return items.length === 0 && typeof value === 'string' ? undefined : items;
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
