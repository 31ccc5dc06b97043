import type { Page } from 'playwright-core';

/**
 * While a test tool runs inside a page (axe-core), what it does there is not the page's doing:
 * axe adds a <style> element of its own for some checks, which the page's strict CSP refuses.
 */
const toolRunning = new WeakSet<Page>();

export async function asTestTool<T>(page: Page, run: () => Promise<T>): Promise<T> {
  toolRunning.add(page);
  try {
    return await run();
  } finally {
    toolRunning.delete(page);
  }
}

/** An inline <style> refused while a test tool ran: the tool's, not the page's. */
export function isTestToolsInlineStyle(page: Page, directive: string, text: string): boolean {
  return toolRunning.has(page) && (directive === 'style-src-elem' || (directive === 'console' && /inline style/i.test(text)));
}
