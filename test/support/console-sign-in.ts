import type { Page } from 'playwright-core';

export interface ConsolePerson {
  tenant: string;
  username: string;
  password: string;
  /** Scopes to untick on the consent page (the rest are allowed). */
  refuse?: readonly string[];
}

/**
 * Signs a person in to the console in a real browser: /console sends them to the authorization
 * server's sign-in and consent pages, then back to the console. Returns on the console page the
 * sign-in lands on (`path`, /console by default).
 */
export async function signInToConsole(page: Page, baseUrl: string, person: ConsolePerson, path = '/console'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  if (page.url().includes('/interaction/') && (await page.locator('#password').count()) > 0) {
    await page.fill('#tenant', person.tenant);
    await page.fill('#username', person.username);
    await page.fill('#password', person.password);
    await page.click('button[type=submit]');
  }
  if (page.url().includes('/interaction/') && (await page.locator('button[value=allow]').count()) > 0) {
    for (const scope of person.refuse ?? []) await page.locator(`input[name=scope][value="${scope}"]`).uncheck();
    await page.click('button[value=allow]');
  }
  if (!new URL(page.url()).pathname.startsWith('/console')) throw new Error(`sign-in did not reach the console: ${page.url()}\n${(await page.content()).slice(0, 2000)}`);
}
