import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DomField, DomSecurityPolicyViolation, PageGlobals } from './page-dom.js';

export { checkAccessibility } from './browser-accessibility.js';
export { assertNowhere, recordTraffic, type RecordedExchange, type Traffic } from './browser-traffic.js';

/**
 * The Chromium that deploy/with-services.mjs --browser found or installed (Debian's), headless.
 * Playwright passes `--headless`, which since Chromium 132 is the one headless mode the browser
 * has (what `--headless=new` asked for before; on 156 `=new` and `=old` give that same mode, with
 * the full browser's PDF viewer and plugins, which the old mode lacked). The
 * sandbox stays on, except as root, where Chromium refuses to start with it (Playwright then adds
 * `--no-sandbox`).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.LEDGERLINE_CHROMIUM;
  if (!executablePath) {
    throw new Error('LEDGERLINE_CHROMIUM is not set: browser tests run through `node deploy/with-services.mjs --browser -- …` (`./run test` does), which finds Chromium, installs it when missing, and sets LEDGERLINE_CHROMIUM');
  }
  if (!existsSync(executablePath)) throw new Error(`LEDGERLINE_CHROMIUM names ${executablePath}, which does not exist`);
  return chromium.launch({ executablePath, headless: true, chromiumSandbox: process.getuid?.() !== 0, timeout: 30_000 });
}

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  /** A small phone, as the phone's browser lays it out (the page's meta viewport applies). */
  narrow: { width: 360, height: 740 },
} as const;

export interface TestContextOptions {
  viewport?: keyof typeof VIEWPORTS;
  locale?: string;
  timezoneId?: string;
}

export interface CspViolation {
  documentURI: string;
  directive: string;
  blocked: string;
  where: string;
}

const CSP_BINDING = '__ledgerlineCspViolation';
const cspViolations = new WeakMap<Page, CspViolation[]>();

function violationsOf(page: Page): CspViolation[] {
  let list = cspViolations.get(page);
  if (!list) cspViolations.set(page, (list = []));
  return list;
}

/**
 * A fresh context (no cookies, no storage) for one test, watching every page of it for CSP
 * violations. Pages keep their real CSP: nothing here bypasses it (axe is evaluated through
 * DevTools, which a page's CSP does not govern).
 */
export async function newTestContext(browser: Browser, options: TestContextOptions = {}): Promise<BrowserContext> {
  const viewport = options.viewport ?? 'desktop';
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    ...(viewport === 'narrow' && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'Europe/London',
    bypassCSP: false,
  });
  await context.exposeBinding(CSP_BINDING, ({ page }: { page: Page }, violation: CspViolation) => violationsOf(page).push(violation));
  await context.addInitScript((binding: string) => {
    (globalThis as unknown as PageGlobals).document.addEventListener('securitypolicyviolation', (event: DomSecurityPolicyViolation) =>
      (globalThis as unknown as Record<string, (violation: CspViolation) => void>)[binding]!({ documentURI: event.documentURI, directive: event.effectiveDirective, blocked: event.blockedURI, where: `${event.sourceFile}:${event.lineNumber} ${event.sample}`.trim() }));
  }, CSP_BINDING);
  // Chromium also reports each refusal on the console; that covers a violation no event reaches.
  context.on('console', (message) => {
    const page = message.page();
    if (page && /Content Security Policy/i.test(message.text())) violationsOf(page).push({ documentURI: page.url(), directive: 'console', blocked: '', where: message.text() });
  });
  return context;
}

/** Fails listing every CSP violation of any page this tab has shown: a page that needs inline script or style, or anything not from its own origin. */
export async function assertNoCspViolations(page: Page): Promise<void> {
  await page.evaluate(() => 0); // a round trip, so that reports already sent have arrived
  const violations = violationsOf(page);
  if (violations.length > 0) {
    throw new Error(`${violations.length} Content Security Policy violation(s):\n${violations.map((v) => `- ${v.documentURI}: ${v.directive} refused ${v.blocked || 'it'} (${v.where})`).join('\n')}`);
  }
}

/** Where screenshots go: LEDGERLINE_ARTIFACTS_DIR, else test-results/screenshots (gitignored). */
export function artifactsDir(): string {
  return process.env.LEDGERLINE_ARTIFACTS_DIR || join(process.cwd(), 'test-results', 'screenshots');
}

/** A full-page PNG named `name`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = artifactsDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface FocusedElement {
  tag: string;
  id: string;
  type: string;
  name: string;
  text: string;
  href: string;
  /** A field's current value (what was typed; a checkbox's value attribute). */
  value: string;
  /** A checkbox's or radio button's state; false for anything else. */
  checked: boolean;
}

/** What has the keyboard focus (the <body> when nothing has). */
export function focused(page: Page): Promise<FocusedElement> {
  return page.evaluate(() => {
    const element = (globalThis as unknown as PageGlobals).document.activeElement as DomField | null;
    return {
      tag: element?.tagName.toLowerCase() ?? '',
      id: element?.id ?? '',
      type: element?.getAttribute('type') ?? '',
      name: element?.getAttribute('name') ?? '',
      text: (element?.textContent ?? '').trim(),
      href: element?.getAttribute('href') ?? '',
      value: typeof element?.value === 'string' ? element.value : '',
      checked: element?.checked === true,
    };
  });
}

/** Presses Tab and says where the focus went. */
export async function pressTab(page: Page): Promise<FocusedElement> {
  await page.keyboard.press('Tab');
  return focused(page);
}

/**
 * Fails when the page is wider than the viewport (document.scrollingElement.scrollWidth beyond
 * it), naming the elements that reach past its right edge.
 */
export async function assertNoHorizontalOverflow(page: Page): Promise<void> {
  const width = page.viewportSize()?.width;
  if (!width) throw new Error('the page has no viewport');
  const layout = await page.evaluate((viewportWidth: number) => {
    const { document } = globalThis as unknown as PageGlobals;
    const describe = (element: DomField): string => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.getAttribute('class') ? `.${element.getAttribute('class')!.trim().replace(/\s+/g, '.')}` : ''}`;
    const past = Array.from(document.querySelectorAll('body *') as ArrayLike<DomField>)
      .filter((element) => element.getBoundingClientRect().right > viewportWidth + 0.5)
      .map((element) => `${describe(element)} (right edge at ${Math.round(element.getBoundingClientRect().right)} px)`);
    return { scrollWidth: document.scrollingElement?.scrollWidth ?? 0, past };
  }, width);
  if (layout.scrollWidth > width) {
    throw new Error(`${page.url()} is ${layout.scrollWidth} px wide in a ${width} px viewport; past the edge:\n${layout.past.map((item) => `- ${item}`).join('\n')}`);
  }
}
