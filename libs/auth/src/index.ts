export { principalContext, type Principal } from './principal.js';
export { principalFromClaims } from './token-claims.js';
export { InsufficientScopeError, UnauthenticatedError, AuthConfigError } from './auth.errors.js';
export {
  DEV_ALGORITHM,
  EXTERNAL_ALGORITHMS,
  DEFAULT_EXTERNAL_ALGORITHMS,
  ACCESS_TOKEN_ALGORITHMS,
  type ExternalAlgorithm,
  type VerificationAlgorithm,
} from './algorithms.js';
export {
  parseAuthConfig,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MCP_PATH,
  PROTECTED_RESOURCE_METADATA_PATH,
  type AuthConfig,
  type AuthConfigInput,
  type KeySource,
} from './auth-config.js';
export { AUTH_ENV, DEFAULT_DATA_DIR, DEFAULT_PORT, authConfigInputFromEnv, defaultPublicUrl } from './auth-env.js';
export { resolveAuthSettings, type AuthKey, type AuthSettings } from './auth.settings.js';
export {
  DevIssuer,
  DEFAULT_DEV_CLIENT_ID,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEV_ISSUER_KEY_FILE,
  MAX_TOKEN_TTL_SECONDS,
  type DevIssuerOptions,
  type MintRequest,
  type MintedToken,
} from './dev-issuer.js';
export { bearerTokenOf } from './bearer-token.js';
export { TokenVerifier, type TokenVerifierPorts } from './token-verifier.js';
export { ACCESS_TOKEN_KEYS, type AccessTokenKeySet } from './access-token-keys.port.js';
export { GRANT_STATUS, type GrantStatus } from './grant-status.port.js';
export { GRANT_USAGE, type GrantUsage } from './grant-usage.port.js';
export { authChallenge, type AuthChallenge } from './auth-challenge.js';
export { AUTH_OPTIONS, AUTH_SETTINGS, type AuthOptions } from './auth.tokens.js';
export { TenantAccess, type TenantAccessCheck } from './tenant-access.js';
export { FORBIDDEN_ORIGIN_BODY, originPolicy } from './origin-policy.js';
export { principalOf, isPrincipal } from './request-principal.js';
export { protectedResourceMetadata, type ProtectedResourceMetadata } from './protected-resource-metadata.js';
export { callerMetadata } from './caller-metadata.js';
export { isTenantId } from './tenant-id.js';
