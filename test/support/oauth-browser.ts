import { createHash, randomBytes } from 'node:crypto';

/**
 * A person at a browser, headless: follows redirects by hand keeping cookies per origin, reads the
 * sign-in and consent forms from the HTML and submits them, the way a browser without JavaScript
 * would. The flows under test need nothing more (the pages have no script).
 */
export class OAuthBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  /** GET (or POST a form) without following redirects; cookies kept. */
  async request(url: string, form?: Record<string, string | string[]>): Promise<{ status: number; location: string | undefined; body: string; headers: Headers; url: string }> {
    const target = new URL(url);
    const jar = this.cookies.get(target.origin) ?? new Map<string, string>();
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = this.cookieHeader(url);
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(form)) for (const item of ([] as string[]).concat(value)) params.append(name, item);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(target.origin, jar);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, location: location && new URL(location, url).toString(), body: await response.text(), headers: response.headers, url };
  }

  /** The Cookie header this browser sends to `url`'s origin. */
  cookieHeader(url: string): string {
    return [...(this.cookies.get(new URL(url).origin) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Follows redirects from `url` until a page that is not a redirect, or one whose URL starts with `stopAt` (or one of them). */
  async follow(url: string, stopAt?: string | readonly string[], form?: Record<string, string | string[]>): Promise<{ status: number; body: string; url: string; headers: Headers }> {
    const stops = ([] as string[]).concat(stopAt ?? []);
    let response = await this.request(url, form);
    for (let hops = 0; response.location && hops < 20; hops++) {
      if (stops.some((stop) => response.location!.startsWith(stop))) return { status: response.status, body: '', url: response.location, headers: response.headers };
      response = await this.request(response.location);
    }
    return response;
  }
}

/** The hidden and named inputs of the form whose action ends with `actionSuffix`, and its absolute action URL. */
export function formOf(html: string, pageUrl: string, actionSuffix: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const match = forms.find((form) => decode(form[1]!).endsWith(actionSuffix));
  if (!match) throw new Error(`no form ending in ${actionSuffix} on ${pageUrl}:\n${html.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of match[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[decode(input[1]!)] = decode(input[2]!);
  return { action: new URL(decode(match[1]!), pageUrl).toString(), fields };
}

/** The values of the scope checkboxes on a consent page. */
export function offeredScopes(html: string): string[] {
  return [...html.matchAll(/<input type="checkbox"[^>]*name="scope" value="([^"]+)"/g)].map((match) => decode(match[1]!));
}

function decode(value: string): string {
  return value.replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
