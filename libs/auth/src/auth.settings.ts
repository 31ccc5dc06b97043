import { parseAuthConfig, type AuthConfig, type AuthConfigInput } from './auth-config.js';
import { DevIssuer } from './dev-issuer.js';
import { readPublicKeyFile } from './public-key-file.js';

export type AuthKey =
  /** The dev issuer's HMAC secret; `created` is true on the start that created it. */
  | { kind: 'dev'; secret: Buffer; keyFile: string; created: boolean }
  | { kind: 'jwks'; jwksUrl: string }
  | { kind: 'public-key'; pem: string };

/** Everything the resource server needs to verify tokens and describe itself: the validated configuration with its key loaded. */
export type AuthSettings = Omit<AuthConfig, 'publicUrl' | 'keySource'> & { key: AuthKey };

/**
 * Builds the settings from configuration: `parseAuthConfig` checks the values (typed
 * `AuthConfigError`s), then the key material is loaded, which reads the public key file or opens
 * the dev issuer's key, creating it on the first start.
 */
export function resolveAuthSettings(input: AuthConfigInput): AuthSettings {
  const config = parseAuthConfig(input);
  return {
    resourceUrl: config.resourceUrl,
    resourceMetadataUrl: config.resourceMetadataUrl,
    issuer: config.issuer,
    algorithms: config.algorithms,
    clockToleranceSeconds: config.clockToleranceSeconds,
    allowedOrigins: config.allowedOrigins,
    key: loadKey(config),
    authorizationServers: config.authorizationServers,
  };
}

function loadKey({ keySource, issuer, resourceUrl, algorithms }: AuthConfig): AuthKey {
  switch (keySource.kind) {
    case 'dev': {
      const devIssuer = DevIssuer.openOrCreate(keySource.dataDir, { issuer, audience: resourceUrl });
      return { kind: 'dev', secret: devIssuer.verificationKey(), keyFile: devIssuer.keyFile, created: devIssuer.isNew };
    }
    case 'jwks':
      return { kind: 'jwks', jwksUrl: keySource.jwksUrl };
    case 'public-key':
      return { kind: 'public-key', pem: readPublicKeyFile(keySource.file, algorithms) };
  }
}
