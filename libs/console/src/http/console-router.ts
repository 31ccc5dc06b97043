import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { VNode } from 'preact';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { Logger } from '@nestjs/common';
import { InFlight, sameSecretText } from '#core';
import { ApiError, ConsoleApi } from '../api/console-api.js';
import type { ConsoleSettings } from '../console-settings.js';
import { errorBody, notFoundBody, signedOutBody, signInProblemBody } from '../pages/error.page.js';
import { ASSETS_PATH, renderDocument, renderFragment } from '../pages/layout.js';
import { inNavigation, sectionAllows, type ConsoleSection, type NavigationSection, type PageContext, type PageResult } from '../pages/page.js';
import { ConsoleOAuth } from '../session/console-oauth.js';
import type { ConsoleSession } from '../session/console-session.js';
import type { ConsoleSessions } from '../session/console-sessions.js';
import { setConsoleHeaders } from './console-headers.js';
import { clearCookie, readCookie, sessionCookieName, setCookie, signInCookieName } from './console-cookies.js';
import { CONSOLE_PATH } from './console-path.js';
const REFRESH_MARGIN_MS = 30_000;
const ASSETS: Record<string, { file: string; type: string }> = {
  'console.css': { file: fileURLToPath(new URL('../../assets/console.css', import.meta.url)), type: 'text/css; charset=utf-8' },
  'console.js': { file: fileURLToPath(new URL('../../assets/console.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'htmx.min.js': { file: createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
};

/** The session ended under the page (revoked, expired, refresh refused): sign in again. */
class SessionEnded extends Error {}

export interface ConsoleRouterDeps {
  settings: ConsoleSettings;
  sessions: ConsoleSessions;
  sections: readonly ConsoleSection[];
}

/**
 * The console: server-rendered pages (backend-for-frontend) on the REST API, signed in through
 * the platform's own authorization server. The browser holds one HttpOnly cookie naming a
 * server-side session; tokens never reach it.
 */
export function consoleRouter({ settings, sessions, sections }: ConsoleRouterDeps): Router {
  // A build that left the assets behind would serve pages without style or script: refuse to start instead.
  const missing = Object.values(ASSETS).filter((asset) => !existsSync(asset.file));
  if (missing.length > 0) throw new Error(`the console's assets are missing (${missing.map((asset) => asset.file).join(', ')}): build with npm run build, which copies them`);
  const logger = new Logger('Console');
  const oauth = new ConsoleOAuth(settings);
  const secure = settings.secureCookies;
  const sessionCookie = sessionCookieName(secure);
  const signInCookie = signInCookieName(secure);
  const refreshing = new InFlight<ConsoleSession>();
  const router = express.Router();
  // An automation's definition may be 64 KiB of JSON, which URL-encoding can triple.
  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 100 });

  router.use((_req, res, next) => {
    setConsoleHeaders(res, false);
    next();
  });

  router.get(`/assets/:name`, (req, res) => {
    const asset = ASSETS[req.params.name ?? ''];
    if (!asset) return void res.status(404).type('text/plain').send('not found');
    setConsoleHeaders(res, true);
    res.type(asset.type).sendFile(asset.file);
  });

  router.get('/sign-in', wrap(async (req, res) => {
    const codeVerifier = ConsoleOAuth.generateCodeVerifier();
    const { browserNonce, state } = await sessions.beginSignIn({ codeVerifier, returnTo: safeReturn(req.query.return) });
    setCookie(res, signInCookie, browserNonce, secure, 15 * 60_000);
    res.redirect(303, (await oauth.authorizationUrl(state, codeVerifier)).href);
  }));

  router.get('/callback', wrap(async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const pending = state === '' ? undefined : await sessions.finishSignIn(state, readCookie(req, signInCookie));
    clearCookie(res, signInCookie, secure);
    if (typeof req.query.error === 'string') return void sendPage(res, 'Not signed in', signInProblemBody(req.query.error === 'access_denied' ? 'You did not allow the console to act for you, so you are not signed in.' : 'The sign-in did not finish.'), 400);
    if (!pending) return void sendPage(res, 'Not signed in', signInProblemBody('This sign-in was started in another browser or has expired.'), 400);
    const callbackUrl = new URL(req.originalUrl, settings.issuer);
    const tokens = await oauth.exchange(internalOrigin(req, settings), callbackUrl, { state, codeVerifier: pending.codeVerifier }).catch((error: unknown) => {
      logger.warn(`console sign-in refused at the token endpoint: ${(error as Error).message}`);
      return undefined;
    });
    if (!tokens) return void sendPage(res, 'Not signed in', signInProblemBody('The sign-in could not be completed.'), 400);
    const { cookie, session } = await sessions.create(tokens);
    setCookie(res, sessionCookie, cookie, secure, session.expiresAt - Date.now());
    res.redirect(303, pending.returnTo);
  }));

  router.post('/sign-out', form, wrap(async (req, res) => {
    const session = await sessions.find(readCookie(req, sessionCookie));
    if (session) {
      if (!csrfHolds(req, session, settings)) return void sendPage(res, 'Refused', errorBody('This form is out of date. Go back, reload the page and try again.'), 403, session);
      await oauth.revoke(internalOrigin(req, settings), session.refreshToken ?? session.accessToken).catch((error: unknown) => logger.warn(`console sign-out: revocation failed: ${(error as Error).message}`));
      await sessions.destroy(session);
    }
    clearCookie(res, sessionCookie, secure);
    sendPage(res, 'Signed out', signedOutBody());
  }));

  router.get('/', wrap(async (req, res) => {
    const session = await sessions.find(readCookie(req, sessionCookie));
    if (!session) return void res.redirect(303, `${CONSOLE_PATH}/sign-in`);
    const first = navigationOf(session)[0];
    if (!first) return void sendPage(res, 'Nothing to show', errorBody('Your sign-in holds no permission any console page uses. Sign out, and allow more when you sign in again.'), 403, session);
    res.redirect(303, first.href);
  }));

  for (const section of sections) {
    for (const route of section.routes) {
      const handlers = [
        ...(route.method === 'POST' ? [form] : []),
        wrap(async (req: Request, res: Response) => {
          let session = await sessions.find(readCookie(req, sessionCookie));
          if (!session) return void toSignIn(req, res);
          if (!sectionAllows(section, session.scopes)) {
            return void sendPage(res, 'Not allowed', errorBody(`Your sign-in does not allow ${section.label}. It needs one of: ${section.scopes.join(', ')}.`), 403, session, section.id);
          }
          if (route.method === 'POST' && !csrfHolds(req, session, settings)) {
            return void sendPage(res, 'Refused', errorBody('This form is out of date. Go back, reload the page and try again.'), 403, session, section.id);
          }
          const origin = internalOrigin(req, settings);
          const api = new ConsoleApi(origin, async () => {
            session = await fresh(session!, origin);
            return session.accessToken;
          });
          const url = new URL(req.originalUrl, settings.issuer);
          const context: PageContext = {
            session,
            api,
            params: req.params as Record<string, string>,
            query: url.searchParams,
            form: route.method === 'POST' ? ((req.body ?? {}) as Record<string, string | string[]>) : {},
            url,
          };
          let result: PageResult;
          try {
            result = await route.handle(context);
          } catch (error) {
            if (error instanceof SessionEnded || (error instanceof ApiError && error.status === 401)) {
              await sessions.destroy(session);
              clearCookie(res, sessionCookie, secure);
              return void toSignIn(req, res);
            }
            if (error instanceof ApiError) {
              const body = error.status === 404 ? notFoundBody() : errorBody(error.status === 403 ? `Not allowed: ${error.message}` : error.message, error.code);
              return void sendPage(res, error.status === 404 ? 'Not found' : 'Something went wrong', body, error.status >= 500 ? 502 : error.status, session, section.id);
            }
            throw error;
          }
          send(res, result, session, section.id);
        }),
      ];
      if (route.method === 'GET') router.get(route.path, ...handlers);
      else router.post(route.path, ...handlers);
    }
  }

  router.use(wrap(async (req, res) => {
    const session = await sessions.find(readCookie(req, sessionCookie));
    sendPage(res, 'Not found', notFoundBody(), 404, session);
  }));

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    // The form parser's own refusals (too large, malformed) are the person's to fix, not ours.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return void sendPage(res, 'Not accepted', errorBody(status === 413 ? 'What you sent is too large for this form.' : 'What you sent could not be read as a form.', status === 413 ? 'request.too_large' : 'request.invalid'), status);
    }
    logger.error(`console page failed: ${(error as Error).stack ?? String(error)}`);
    sendPage(res, 'Something went wrong', errorBody('The console could not show this page. Try again in a moment.'), 500);
  });

  return router;

  /** The navigation's entries the session may open (pages reached by a link only are not among them). */
  function navigationOf(session: ConsoleSession): NavigationSection[] {
    return sections.filter(inNavigation).filter((section) => sectionAllows(section, session.scopes));
  }

  function sendPage(res: Response, title: string, body: VNode, status = 200, session?: ConsoleSession, current?: string): void {
    res.status(status).type('text/html; charset=utf-8').send(renderDocument({ title, body, ...(session && { session, sections: navigationOf(session) }), ...(current && { current }) }));
  }

  function send(res: Response, result: PageResult, session: ConsoleSession, current: string): void {
    switch (result.kind) {
      case 'page':
        return sendPage(res, result.title, result.body, result.status, session, current);
      case 'fragment':
        return void res.status(200).type('text/html; charset=utf-8').send(renderFragment(result.body));
      case 'unchanged':
        return void res.status(204).end();
      case 'redirect':
        return void res.redirect(303, result.to);
      case 'download':
        res.status(200).type(result.response.headers.get('content-type') ?? 'application/octet-stream');
        res.setHeader('content-disposition', `attachment; filename="${result.filename}"`);
        if (!result.response.body) return void res.end();
        return void Readable.fromWeb(result.response.body as import('node:stream/web').ReadableStream).pipe(res);
    }
  }

  function toSignIn(req: Request, res: Response): void {
    const target = `${CONSOLE_PATH}/sign-in?return=${encodeURIComponent(req.originalUrl)}`;
    // An htmx poll follows HX-Redirect with a full navigation rather than swapping a page into a region.
    if (req.headers['hx-request'] === 'true') return void res.status(200).setHeader('hx-redirect', target).end();
    res.redirect(303, target);
  }

  /** The session with an access token good for a while yet; one refresh at a time per session here. */
  async function fresh(session: ConsoleSession, origin: string): Promise<ConsoleSession> {
    if (session.accessExpiresAt - REFRESH_MARGIN_MS > Date.now()) return session;
    if (!session.refreshToken) throw new SessionEnded();
    return refreshing.run(session.key, async () => {
      try {
        const tokens = await oauth.refresh(origin, session.refreshToken!);
        const next = { ...session, accessToken: tokens.accessToken, accessExpiresAt: tokens.accessExpiresAt, refreshToken: tokens.refreshToken ?? session.refreshToken };
        await sessions.save(next);
        return next;
      } catch (error) {
        logger.log(`console session ended: the refresh was refused (${(error as Error).message})`);
        throw new SessionEnded();
      }
    });
  }
}

/** Where this instance itself listens: the console calls its own API and token endpoint there. */
function internalOrigin(req: Request, settings: ConsoleSettings): string {
  const raw = req.socket.localAddress;
  const port = req.socket.localPort;
  if (!raw || !port) return settings.issuer;
  const address = raw.startsWith('::ffff:') ? raw.slice('::ffff:'.length) : raw;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * A state change comes from a console page: the form's token matches the session's, and the
 * browser says the request is same-origin where it says anything (Sec-Fetch-Site, Origin).
 */
function csrfHolds(req: Request, session: ConsoleSession, settings: ConsoleSettings): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== new URL(settings.issuer).origin) return false;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const token = typeof body.csrf === 'string' ? body.csrf : req.headers['x-csrf-token'];
  return typeof token === 'string' && sameSecretText(token, session.csrf);
}

/** Only a console path of this origin: never an open redirect. */
function safeReturn(value: unknown): string {
  return typeof value === 'string' && /^\/console(\/[A-Za-z0-9._~\-/%]*)?(\?[^\s#]*)?$/.test(value) && !value.includes('//') ? value : CONSOLE_PATH;
}

function wrap(handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => void handler(req, res).catch(next);
}

export { ASSETS_PATH };
