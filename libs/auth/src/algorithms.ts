import { AuthConfigError } from './auth.errors.js';

/** Asymmetric algorithms an external issuer may sign with (jose verifies all of them). */
export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export const DEFAULT_EXTERNAL_ALGORITHMS: readonly ExternalAlgorithm[] = ['RS256', 'ES256'];
/** The dev issuer signs with its local secret, and only with this algorithm. */
export const DEV_ALGORITHM = 'HS256';
/** What the built-in authorization server signs access tokens with (ACCESS_TOKEN_KEYS). */
export const ACCESS_TOKEN_ALGORITHMS: readonly ExternalAlgorithm[] = ['ES256', 'RS256'];

export type ExternalAlgorithm = (typeof EXTERNAL_ALGORITHMS)[number];
export type VerificationAlgorithm = typeof DEV_ALGORITHM | ExternalAlgorithm;

/**
 * The allow-list invariant, checked when settings are resolved and again when a verifier is built:
 * `none` never; HS256 only, and alone, with the dev key; never an HMAC algorithm with a public
 * key or JWKS, where the "secret" would be public (the HS/RS confusion attack).
 */
export function checkAlgorithms(keyKind: 'dev' | 'jwks' | 'public-key', algorithms: readonly string[]): VerificationAlgorithm[] {
  if (keyKind === 'dev') {
    if (algorithms.length !== 1 || algorithms[0] !== DEV_ALGORITHM) {
      throw new AuthConfigError('auth.config.algorithms', `the dev issuer verifies ${DEV_ALGORITHM} only; LEDGERLINE_AUTH_ALGORITHMS applies to an external issuer (LEDGERLINE_AUTH_ISSUER)`);
    }
    return [DEV_ALGORITHM];
  }
  if (algorithms.length === 0) throw new AuthConfigError('auth.config.algorithms', 'LEDGERLINE_AUTH_ALGORITHMS names no algorithm');
  const refused = algorithms.filter((algorithm) => !isExternalAlgorithm(algorithm));
  if (refused.length > 0) {
    throw new AuthConfigError(
      'auth.config.algorithms',
      `LEDGERLINE_AUTH_ALGORITHMS: ${refused.join(', ')} not allowed for an external issuer; choose from ${EXTERNAL_ALGORITHMS.join(', ')}`,
      { refused },
    );
  }
  return [...new Set(algorithms as ExternalAlgorithm[])];
}

function isExternalAlgorithm(algorithm: string): algorithm is ExternalAlgorithm {
  return (EXTERNAL_ALGORITHMS as readonly string[]).includes(algorithm);
}
