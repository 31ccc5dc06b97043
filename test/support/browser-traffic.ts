import type { Page, Request } from 'playwright-core';
import type { DomField, PageGlobals } from './page-dom.js';

/** One request a page made, and its answer (a redirect's answer has headers and no body). */
export interface RecordedExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface Traffic {
  readonly exchanges: readonly RecordedExchange[];
  /** Resolves once the exchanges finished so far are recorded in full (bodies are read asynchronously). */
  settled(): Promise<void>;
}

/** Records every request of the page from now on, with headers and bodies (text) both ways. */
export function recordTraffic(page: Page): Traffic {
  const exchanges: RecordedExchange[] = [];
  const pending = new Set<Promise<void>>();
  const record = (request: Request, finished: boolean): void => {
    const done = (async () => {
      const response = finished ? await request.response() : null;
      exchanges.push({
        method: request.method(),
        url: request.url(),
        requestHeaders: await request.allHeaders(),
        requestBody: request.postData() ?? '',
        status: response?.status(),
        responseHeaders: response ? await response.allHeaders() : {},
        // Redirects have no body to read; neither has a response the page has already left.
        responseBody: response ? await response.text().catch(() => '') : '',
      });
    })();
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };
  page.on('requestfinished', (request) => record(request, true));
  page.on('requestfailed', (request) => record(request, false));
  return {
    exchanges,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** How a secret can be written where it might leak: as it is, URL- and form-encoded, in HTML and JSON escapes, base64, hex. */
function spellingsOf(secret: string): string[] {
  const spellings = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
  ];
  return [...new Set(spellings)];
}

/** Markup with its character references resolved, however the writer chose to escape (named or numeric, some characters or all). */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (all, decimal?: string, hex?: string, name?: string) =>
    decimal ? String.fromCodePoint(Number(decimal)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (named[name!.toLowerCase()] ?? all));
}

export interface NowhereOptions {
  /** Exchanges whose request body may carry the secret: the form the person typed it into. */
  sentIn?: (exchange: RecordedExchange) => boolean;
}

/**
 * Fails naming each place the secret shows up, in any of its spellings: the address bar; the DOM
 * of every frame (markup, every attribute, text, and what is typed in fields); sessionStorage and
 * IndexedDB names of the page's origin; cookies, localStorage and IndexedDB of every origin the
 * context visited; the URL, headers and bodies of every recorded request and response.
 */
export async function assertNowhere(page: Page, traffic: Traffic, secret: string, options: NowhereOptions = {}): Promise<void> {
  const spellings = spellingsOf(secret);
  const found: string[] = [];
  const check = (where: string, text: string): void => {
    const decoded = decodeEntities(text);
    if (spellings.some((spelling) => text.includes(spelling) || decoded.includes(spelling))) found.push(where);
  };
  check('the address bar', page.url());
  for (const frame of page.frames()) {
    const seen = await frame.evaluate(async () => {
      const { document, sessionStorage, indexedDB } = globalThis as unknown as PageGlobals;
      const elements = Array.from(document.querySelectorAll('*') as ArrayLike<DomField>);
      const session: string[] = [];
      for (let index = 0; index < sessionStorage.length; index++) {
        const key = sessionStorage.key(index) ?? '';
        session.push(key, sessionStorage.getItem(key) ?? '');
      }
      return {
        dom: [
          document.documentElement.outerHTML,
          ...elements.flatMap((element) => element.getAttributeNames().map((name) => element.getAttribute(name) ?? '')),
          document.documentElement.textContent ?? '',
          ...elements.map((element) => (typeof element.value === 'string' ? element.value : '')),
        ].join('\n'),
        session: session.join('\n'),
        databases: (await indexedDB.databases()).map((database) => database.name ?? '').join('\n'),
      };
    });
    check(`the DOM of ${frame.url()}`, seen.dom);
    check(`sessionStorage of ${frame.url()}`, seen.session);
    check(`IndexedDB names of ${frame.url()}`, seen.databases);
  }
  const state = await page.context().storageState({ indexedDB: true });
  for (const cookie of state.cookies) check(`cookie ${cookie.name} (${cookie.domain}${cookie.path})`, `${cookie.name}=${cookie.value}`);
  // Each origin's entry holds its localStorage and, asked for, its IndexedDB (names and records; Playwright's types omit it).
  for (const origin of state.origins) check(`localStorage or IndexedDB of ${origin.origin}`, JSON.stringify(origin));
  await traffic.settled();
  for (const exchange of traffic.exchanges) {
    const name = `${exchange.method} ${exchange.url}`;
    check(`the URL of ${name}`, exchange.url);
    check(`the request headers of ${name}`, JSON.stringify(exchange.requestHeaders));
    if (!options.sentIn?.(exchange)) check(`the request body of ${name}`, exchange.requestBody);
    check(`the response headers of ${name} (${exchange.status})`, JSON.stringify(exchange.responseHeaders));
    check(`the response body of ${name} (${exchange.status})`, exchange.responseBody);
  }
  if (found.length > 0) throw new Error(`the secret ${JSON.stringify(secret)} was found in:\n${found.map((where) => `- ${where}`).join('\n')}`);
}
