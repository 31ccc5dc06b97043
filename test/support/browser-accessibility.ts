import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FAILING: readonly ImpactValue[] = ['serious', 'critical'];

interface AxeInPage {
  axe?: { run(context: unknown, options: RunOptions): Promise<AxeResults> };
}

/**
 * Runs axe-core (every rule it runs by default: WCAG 2.0 to 2.2 A and AA, best practices) on the
 * page as it is, and fails listing each serious or critical violation: rule, impact, the selectors
 * of the elements, and what to do. axe is evaluated through DevTools, as the page's CSP allows no
 * script tag; the page itself keeps that CSP. Returns the results for closer looks.
 */
export async function checkAccessibility(page: Page, label: string): Promise<AxeResults> {
  if (!(await page.evaluate(() => typeof (globalThis as unknown as AxeInPage).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate((options: RunOptions) => (globalThis as unknown as Required<AxeInPage>).axe.run((globalThis as unknown as { document: unknown }).document, options), { resultTypes: ['violations'] } satisfies RunOptions);
  const failing = results.violations.filter((violation) => FAILING.includes(violation.impact ?? null));
  if (failing.length > 0) {
    const lines = failing.map((violation) => [
      `- ${violation.id} (${violation.impact}): ${violation.help} ${violation.helpUrl}`,
      ...violation.nodes.map((node) => `    ${node.target.map(String).join(' >>> ')}${node.failureSummary ? `: ${node.failureSummary.replace(/\s*\n\s*/g, ' ')}` : ''}`),
    ].join('\n'));
    throw new Error(`${label}: axe-core ${results.testEngine.version} found ${failing.length} serious or critical violation(s) on ${page.url()}:\n${lines.join('\n')}`);
  }
  return results;
}
