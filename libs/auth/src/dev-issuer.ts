import { ValidationError } from '#core';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { DEV_ALGORITHM } from './algorithms.js';
import { createKeyFileIfMissing, readKeyFileSecret } from './dev-issuer-key-file.js';
import { isScopeToken } from './scope.js';
import { isTenantId } from './tenant-id.js';

export const DEV_ISSUER_KEY_FILE = join('keys', 'dev-issuer.json');
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const DEFAULT_DEV_CLIENT_ID = 'ledgerline-dev';
const MAX_ID_LENGTH = 256;

export interface DevIssuerOptions {
  issuer: string;
  /** The resource the tokens are for: the MCP endpoint URL. */
  audience: string;
  clock?: () => Date;
}

export interface MintRequest {
  tenantId: string;
  userId: string;
  clientId?: string;
  scopes: readonly string[];
  /** Sent as the `groups` claim, for the tenant's policies. */
  groups?: readonly string[];
  ttlSeconds?: number;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
}

/**
 * The built-in issuer of the embedded mode: HS256 tokens signed with a local secret that lives in
 * `<dataDir>/keys/dev-issuer.json` (mode 0600), created on first use and reused after. It is
 * switched off whenever an external issuer is configured.
 */
export class DevIssuer {
  private constructor(
    private readonly secret: Buffer,
    readonly keyFile: string,
    /** True when this call created the key (the first start): the platform says how to get a token. */
    readonly isNew: boolean,
    private readonly options: DevIssuerOptions,
  ) {}

  static openOrCreate(dataDir: string, options: DevIssuerOptions): DevIssuer {
    const keyFile = join(dataDir, DEV_ISSUER_KEY_FILE);
    const isNew = createKeyFileIfMissing(keyFile, options.issuer, (options.clock ?? (() => new Date()))());
    return new DevIssuer(readKeyFileSecret(keyFile), keyFile, isNew, options);
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get audience(): string {
    return this.options.audience;
  }

  /** A copy of the HMAC key that verifies this issuer's tokens. */
  verificationKey(): Buffer {
    return Buffer.from(this.secret);
  }

  mint(request: MintRequest): string {
    return this.issue(request).token;
  }

  /** @throws ValidationError (`auth.mint.invalid_request`) for an invalid tenant, user, client, scope or lifetime. */
  issue(request: MintRequest): MintedToken {
    const { tenantId, userId, clientId = DEFAULT_DEV_CLIENT_ID, scopes, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS } = request;
    if (!isTenantId(tenantId)) throw invalid('tenant id: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit');
    if (!isIdentifier(userId)) throw invalid(`user id: 1-${MAX_ID_LENGTH} characters`);
    if (!isIdentifier(clientId)) throw invalid(`client id: 1-${MAX_ID_LENGTH} characters`);
    const badScope = scopes.find((scope) => !isScopeToken(scope));
    if (badScope !== undefined) throw invalid(`scope ${JSON.stringify(badScope)}: printable ASCII without spaces, quotes or backslashes`);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw invalid(`lifetime: a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
    }
    const now = Math.floor((this.options.clock ?? (() => new Date()))().getTime() / 1000);
    const claims = {
      iss: this.issuer,
      aud: this.audience,
      sub: userId,
      tenant_id: tenantId,
      client_id: clientId,
      scope: [...new Set(scopes)].join(' '),
      ...(request.groups !== undefined && { groups: [...request.groups] }),
      iat: now,
      nbf: now,
      exp: now + ttlSeconds,
      jti: randomUUID(),
    };
    const token = jwt.sign(claims, this.secret, { algorithm: DEV_ALGORITHM });
    return { token, expiresAt: new Date(claims.exp * 1000) };
  }
}

function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function invalid(rule: string): ValidationError {
  return new ValidationError('auth.mint.invalid_request', `cannot mint a token: invalid ${rule}`);
}
