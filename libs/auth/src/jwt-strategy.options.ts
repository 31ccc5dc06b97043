import { createPublicKey, createSecretKey } from 'node:crypto';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, type StrategyOptions } from 'passport-jwt';
import { checkAlgorithms } from './algorithms.js';
import type { AuthSettings } from './auth.settings.js';

export const LEDGERLINE_JWT = 'ledgerline-jwt';

type StrategyOptionsWithoutRequest = Extract<StrategyOptions, { passReqToCallback?: false }>;

/** The bearer token of an `Authorization: Bearer …` header, or null; the one extractor everything uses. */
export const extractBearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

const JWKS_REQUESTS_PER_MINUTE = 10;
const JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;
const JWKS_TIMEOUT_MS = 5000;

/**
 * passport-jwt options for the settings: issuer, audience (this resource), the algorithm
 * allow-list (re-checked here, so no verifier is ever built with `none` or an HMAC algorithm
 * next to a public key), the clock tolerance, and the key or the JWKS that provides it.
 */
export function jwtStrategyOptions(settings: AuthSettings): StrategyOptionsWithoutRequest {
  const verification = {
    jwtFromRequest: extractBearerToken,
    issuer: settings.issuer,
    audience: settings.resourceUrl,
    algorithms: checkAlgorithms(settings.key.kind, settings.algorithms),
    ignoreExpiration: false,
    jsonWebTokenOptions: { clockTolerance: settings.clockToleranceSeconds, ignoreNotBefore: false },
  };
  // Keys are handed over as KeyObjects, parsed once: given a Buffer or a PEM string,
  // jsonwebtoken re-parses it on every verification (first trying it as a public key, which
  // throws for a secret) and that was a fifth of the CPU time of a tool call.
  switch (settings.key.kind) {
    case 'dev':
      return { ...verification, secretOrKey: createSecretKey(settings.key.secret) as unknown as string };
    case 'public-key':
      return { ...verification, secretOrKey: createPublicKey(settings.key.pem) as unknown as string };
    case 'jwks':
      return {
        ...verification,
        // Keys are cached, and fetches for unknown key ids are rate limited: a flood of tokens
        // with made-up `kid`s cannot turn into a flood of requests to the issuer.
        secretOrKeyProvider: passportJwtSecret({
          jwksUri: settings.key.jwksUrl,
          cache: true,
          cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
          rateLimit: true,
          jwksRequestsPerMinute: JWKS_REQUESTS_PER_MINUTE,
          timeout: JWKS_TIMEOUT_MS,
        }),
      };
  }
}
