import { randomBytes } from 'node:crypto';
import { sameSecretText, sha256Url } from '#core';
import { decodeJwt } from 'jose';
import type { IdentityStore } from '#identity';
import type { SealedSecret, SecretVault } from '#keys';
import type { ConsoleSession, SessionTokens } from './console-session.js';

const SESSION_MODEL = 'ConsoleSession';
const SIGN_IN_MODEL = 'ConsoleSignIn';
const SIGN_IN_SECONDS = 15 * 60;
/** Without a refresh token the session lasts as long as its access token; with one, up to this. */
const MAX_SESSION_MS = 12 * 3600_000;

/** A sign-in under way: what the callback checks and needs. */
export interface PendingSignIn {
  codeVerifier: string;
  returnTo: string;
}

/**
 * Console sessions and pending sign-ins, in the identity store (SQLite or PostgreSQL), so every
 * instance serves every session. Rows are keyed by the SHA-256 of the cookie value; the tokens are
 * sealed under the person's tenant (a purged tenant's sessions no longer open).
 */
export class ConsoleSessions {
  constructor(
    private readonly artifacts: IdentityStore['artifacts'],
    private readonly vault: SecretVault,
    private readonly clock: () => number = Date.now,
  ) {}

  /** @returns the cookie value for the browser and the state to send to the authorization server. */
  async beginSignIn(pending: PendingSignIn): Promise<{ browserNonce: string; state: string }> {
    const browserNonce = randomToken();
    const state = randomToken();
    await this.artifacts.upsert(SIGN_IN_MODEL, sha256Url(state), { ...pending, browser: sha256Url(browserNonce) }, this.clock() + SIGN_IN_SECONDS * 1000);
    return { browserNonce, state };
  }

  /** Single use; undefined unless the state is known, live, and was started by this browser. */
  async finishSignIn(state: string, browserNonce: string | undefined): Promise<PendingSignIn | undefined> {
    const key = sha256Url(state);
    const found = await this.artifacts.find(SIGN_IN_MODEL, key);
    if (!found || found.consumed) return undefined;
    await this.artifacts.destroy(SIGN_IN_MODEL, key);
    const { browser, codeVerifier, returnTo } = found.payload;
    if (typeof browser !== 'string' || browserNonce === undefined || !sameSecretText(browser, sha256Url(browserNonce))) return undefined;
    if (typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return undefined;
    return { codeVerifier, returnTo };
  }

  /** @returns the cookie value and the session. */
  async create(tokens: SessionTokens): Promise<{ cookie: string; session: ConsoleSession }> {
    const claims = decodeJwt(tokens.accessToken);
    if (typeof claims.tenant_id !== 'string' || typeof claims.sub !== 'string') throw new Error('the access token names no tenant or user');
    const cookie = randomToken();
    const now = this.clock();
    const session: ConsoleSession = {
      key: sha256Url(cookie),
      tenantId: claims.tenant_id,
      userId: claims.sub,
      scopes: tokens.scopes,
      grantId: typeof claims.grant_id === 'string' ? claims.grant_id : undefined,
      csrf: randomToken(),
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.accessExpiresAt,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.refreshToken ? now + MAX_SESSION_MS : tokens.accessExpiresAt,
    };
    await this.save(session);
    return { cookie, session };
  }

  async find(cookie: string | undefined): Promise<ConsoleSession | undefined> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const key = sha256Url(cookie);
    const found = await this.artifacts.find(SESSION_MODEL, key);
    if (!found || found.consumed) return undefined;
    const { tenantId, userId, scopes, grantId, csrf, accessExpiresAt, expiresAt, sealed } = found.payload;
    if (typeof tenantId !== 'string' || typeof userId !== 'string' || typeof csrf !== 'string' || typeof expiresAt !== 'number' || expiresAt <= this.clock()) return undefined;
    const tokens = await this.vault.open(tenantId, sealed as SealedSecret, contextOf(key)).then((text) => JSON.parse(text) as { accessToken: string; refreshToken?: string }, () => undefined);
    if (!tokens) return undefined;
    return {
      key,
      tenantId,
      userId,
      scopes: Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [],
      grantId: typeof grantId === 'string' ? grantId : undefined,
      csrf,
      accessToken: tokens.accessToken,
      accessExpiresAt: typeof accessExpiresAt === 'number' ? accessExpiresAt : 0,
      refreshToken: tokens.refreshToken,
      expiresAt,
    };
  }

  /** After a refresh: the new access token (and refresh token, if the server sent one). */
  async save(session: ConsoleSession): Promise<void> {
    const sealed = await this.vault.seal(session.tenantId, JSON.stringify({ accessToken: session.accessToken, refreshToken: session.refreshToken }), contextOf(session.key));
    const { tenantId, userId, scopes, grantId, csrf, accessExpiresAt, expiresAt } = session;
    await this.artifacts.upsert(SESSION_MODEL, session.key, { tenantId, userId, scopes: [...scopes], grantId, csrf, accessExpiresAt, expiresAt, sealed }, expiresAt);
  }

  async destroy(session: ConsoleSession): Promise<void> {
    await this.artifacts.destroy(SESSION_MODEL, session.key);
  }
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function contextOf(key: string): string {
  return `console-session:${key}`;
}
