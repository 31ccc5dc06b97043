import { OAuthBrowser } from '../../test/support/oauth-browser.js';
import { signInAndConsent } from '../../test/support/oauth-flow.js';

export interface ConsolePerson {
  tenant: string;
  username: string;
  password: string;
}

/**
 * A console session without a browser: /console/sign-in sends the person to /authorize, they sign
 * in and allow every scope offered, and /console/callback sets the session cookie. Returns the
 * Cookie header a browser would send to the console from then on.
 */
export async function signInToConsole(baseUrl: string, person: ConsolePerson): Promise<string> {
  const browser = new OAuthBrowser();
  const start = await browser.request(`${baseUrl}/console/sign-in`);
  if (!start.location?.includes('/authorize')) throw new Error(`/console/sign-in did not send to /authorize: ${start.status} ${start.location}`);
  const callback = await signInAndConsent(start.location, `${baseUrl}/console/callback`, { ...person, browser });
  const landed = await browser.follow(callback.toString());
  const cookie = browser.cookieHeader(baseUrl);
  if (landed.status !== 200 || !/(^|; )ll_console=/.test(cookie)) throw new Error(`no console session after the callback: ${landed.status} at ${landed.url}, cookies: ${cookie.replace(/=[^;]*/g, '=…')}`);
  return cookie;
}
