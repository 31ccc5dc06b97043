import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PAGE_HEADERS } from '../../libs/identity/src/interactions/pages/html.js';
import { assertNoCspViolations, assertNoHorizontalOverflow, assertNowhere, checkAccessibility, launchChromium, newTestContext, recordTraffic, screenshot } from './browser.js';

const SECRET = 'tr0ub4dor & "3" <zebra>';

/** Pages under the sign-in pages' own CSP, each breaking one thing the helpers must catch. */
const PAGES: Record<string, string> = {
  '/clean': '<h1>Clean</h1><form method="post" action="/echo"><label for="secret">Secret</label><input id="secret" name="secret" type="password"><button>Send</button></form>',
  '/inline': '<h1>Inline</h1><style>h1{color:red}</style><p style="color:blue">styled</p><script>document.title = "ran"</script>',
  '/unlabelled': '<h1>Unlabelled</h1><input id="nameless" type="text">',
  '/wide': '<h1>Wide</h1><p class="wide">too wide</p>',
};

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fixture</title><link rel="stylesheet" href="/fixture.css"></head><body><main>${body}</main></body></html>`;
}

describe('the browser test helpers', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  const artifacts = mkdtempSync(join(tmpdir(), 'ledgerline-artifacts-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-security-policy', PAGE_HEADERS['content-security-policy']!);
      if (req.url === '/fixture.css') return res.setHeader('content-type', 'text/css').end('.wide{width:2000px}');
      if (req.url === '/echo') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => res.setHeader('content-type', 'text/html').end(page(`<p>${new URLSearchParams(body).get('secret')!.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)));
        return;
      }
      res.setHeader('content-type', 'text/html').end(page(PAGES[req.url ?? ''] ?? '<h1>Not found</h1>'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(artifacts, { recursive: true, force: true });
  });
  beforeEach(async () => {
    context = await newTestContext(browser);
    tab = await context.newPage();
  });
  afterEach(async () => context.close());

  it('pass a clean page, with axe run in it and its CSP in force', async () => {
    await tab.goto(`${base}/clean`);
    await checkAccessibility(tab, 'clean');
    await assertNoCspViolations(tab);
    await assertNoHorizontalOverflow(tab);
  });

  it('fail a page that needs inline script or style, naming each refusal', async () => {
    await tab.goto(`${base}/inline`);
    expect(await tab.title()).toBe('Fixture');
    const failure = assertNoCspViolations(tab);
    await expect(failure).rejects.toThrow(/script-src-elem refused inline/);
    await expect(failure).rejects.toThrow(/style-src-elem refused inline/);
    await expect(failure).rejects.toThrow(/style-src-attr refused inline/);
  });

  it('fail a serious accessibility violation, naming rule and element', async () => {
    await tab.goto(`${base}/unlabelled`);
    await expect(checkAccessibility(tab, 'unlabelled')).rejects.toThrow(/unlabelled: axe-core [\d.]+ found 1 serious or critical violation\(s\)[\s\S]*- label \(critical\): Form elements must have labels[\s\S]*#nameless/);
  });

  it('fail a page wider than the viewport, naming what reaches past its edge', async () => {
    await tab.goto(`${base}/wide`);
    await expect(assertNoHorizontalOverflow(tab)).rejects.toThrow(/is \d+ px wide in a 1280 px viewport[\s\S]*p\.wide \(right edge at \d+ px\)/);
  });

  it('find a secret in what was typed, sent, answered and stored, in its encoded spellings', async () => {
    const traffic = recordTraffic(tab);
    await tab.goto(`${base}/clean`);
    await tab.locator('#secret').fill(SECRET);
    await expect(assertNowhere(tab, traffic, SECRET)).rejects.toThrow(/the DOM of/);
    await tab.keyboard.press('Enter');
    await tab.waitForURL(`${base}/echo`);
    const sentIn = (exchange: { url: string }): boolean => exchange.url.endsWith('/echo');
    const echoed = assertNowhere(tab, traffic, SECRET);
    await expect(echoed).rejects.toThrow(/- the request body of POST http:\/\/127\.0\.0\.1:\d+\/echo/); // form-encoded there
    await expect(echoed).rejects.toThrow(/- the response body of POST .*\/echo \(200\)/); // HTML-escaped there
    await expect(assertNowhere(tab, traffic, SECRET, { sentIn })).rejects.toThrow(/the DOM of .*\/echo/);
    await tab.goto(`${base}/clean`);
    await assertNowhere(tab, traffic, 'a string never shown', { sentIn });
    await tab.evaluate(([base64, hex]: string[]) => {
      const storage = globalThis as unknown as Record<'sessionStorage' | 'localStorage', { setItem(key: string, value: string): void }>;
      storage.sessionStorage.setItem('k', base64!);
      storage.localStorage.setItem('k', hex!);
    }, [Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex')]);
    await context.addCookies([{ name: 'leak', value: encodeURIComponent(SECRET), url: base }]);
    const stored = assertNowhere(tab, traffic, SECRET, { sentIn });
    await expect(stored).rejects.toThrow(/- sessionStorage of/);
    await expect(stored).rejects.toThrow(/- cookie leak/);
    await expect(stored).rejects.toThrow(/- localStorage or IndexedDB of http:\/\/127\.0\.0\.1/);
  });

  it('write screenshots to LEDGERLINE_ARTIFACTS_DIR', async () => {
    const before = process.env.LEDGERLINE_ARTIFACTS_DIR;
    process.env.LEDGERLINE_ARTIFACTS_DIR = artifacts;
    try {
      await tab.goto(`${base}/clean`);
      const path = await screenshot(tab, 'helpers/clean page');
      expect(path).toBe(join(artifacts, 'helpers-clean-page.png'));
      expect(existsSync(path)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.LEDGERLINE_ARTIFACTS_DIR;
      else process.env.LEDGERLINE_ARTIFACTS_DIR = before;
    }
  });
});
