import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DevIssuer } from '#auth';
import { GATED_CALL } from './support/automations.js';
import { checkAccessibility, launchChromium, newTestContext } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { signInToConsole } from './support/console-sign-in.js';
import { startFixtureServer, type FixtureServer } from './support/fixture-server.js';
import { callOk, connect } from './support/mcp-session.js';
import { addUser, cliOn } from './support/oauth-flow.js';
import { startPlatform, type PlatformProcess } from './support/platform-process.js';
import { freePort } from './support/processes.js';
import { rest } from './support/rest.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy.js';
import { waitForRun } from './support/runs.js';

const PASSWORD = 'instances-pass-0123456789';
const TENANT = 'acme';

/**
 * The console on PostgreSQL behind a load balancer over two API instances (and a worker, Kafka):
 * each request of the sign-in, the pages and the forms lands on the next instance, so a session
 * made on one is served by the other, an approval decided on either carries the run to its end,
 * and signing out on one ends the session on both.
 */
describe('console on several instances (postgres, Kafka)', () => {
  let cluster: Cluster;
  let second: PlatformProcess;
  let proxy: RoundRobinProxy;
  let fixture: FixtureServer;
  let browser: Browser;
  let agent: Client;
  let issuer: DevIssuer;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    cluster = await startCluster({ workers: 1, env: { LEDGERLINE_PUBLIC_URL: publicUrl } });
    second = await startPlatform({ ...cluster.env, LEDGERLINE_ROLE: 'api' });
    proxy = await startRoundRobinProxy(port, [cluster.api.url, second.url]);
    issuer = DevIssuer.openOrCreate(cluster.env.LEDGERLINE_DATA_DIR!, { issuer: publicUrl, audience: `${publicUrl}/mcp` });
    browser = await launchChromium();
    const harness = { platform: cluster.api, databaseUrl: cluster.env.DATABASE_URL } as Parameters<typeof addUser>[0];
    await addUser(harness, TENANT, 'bob', PASSWORD);
    expect((await cliOn(harness, ['users', 'list', '--tenant', TENANT])).stdout).toContain('bob');
    const admin = issuer.mint({ tenantId: TENANT, userId: 'ops', scopes: ['connectors:admin', 'automations:admin'] });
    const config = { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } };
    expect((await rest(proxy.url, 'PUT', '/v1/connectors/erp', admin, { config })).status).toBe(200);
    expect((await rest(proxy.url, 'PUT', '/v1/connectors/erp/secret', admin, { secret: 'instances-secret' })).status).toBe(200);
    expect((await rest(proxy.url, 'POST', '/v1/automations', admin, { definition: GATED_CALL })).status).toBe(200);
    agent = await connect({ url: proxy.url } as PlatformProcess, issuer.mint({ tenantId: TENANT, userId: 'alice', scopes: ['automation:gated_call', 'runs:read'] }));
  });
  afterAll(async () => {
    await agent?.close();
    await browser?.close();
    await proxy?.close();
    await second?.stop();
    await cluster?.stop();
    await fixture?.close();
  });

  it('signs in, shows and decides across instances, and signs out everywhere', async () => {
    const context = await newTestContext(browser);
    const page = await context.newPage();
    await signInToConsole(page, proxy.url, { tenant: TENANT, username: 'bob', password: PASSWORD }, '/console/approvals');
    const { runId } = await callOk<{ runId: string }>(agent, 'gated_call', { ref: 'multi' });
    await waitForRun(agent, runId, (run) => run.approval?.status === 'pending');
    // The inbox polls through the balancer: each poll on the other instance.
    const row = page.locator('#approvals-live a', { hasText: 'Call for multi?' });
    await row.waitFor({ timeout: 15_000 });
    await Promise.all([page.waitForNavigation(), row.click()]);
    await page.fill('#reason', 'Seen on two instances');
    await Promise.all([page.waitForNavigation(), page.click('button[value=approve]')]);
    expect(page.url()).toContain('notice=approved');
    await page.goto(`${proxy.url}/console/runs/${runId}`);
    await page.locator('#run-live .ll-status-completed').waitFor({ timeout: 20_000 });
    await checkAccessibility(page, 'run page behind the balancer');

    const consoleRequests = proxy.served.filter((line) => / \/console/.test(line));
    expect(consoleRequests.some((line) => line.startsWith('0 '))).toBe(true);
    expect(consoleRequests.some((line) => line.startsWith('1 '))).toBe(true);
    expect(proxy.served.some((line) => /^\d GET \/console\/callback/.test(line))).toBe(true);

    const cookie = (await context.cookies()).find((c) => c.name === 'll_console')!.value;
    for (const instance of [cluster.api.url, second.url]) {
      const direct = await fetch(`${instance}/console/approvals`, { headers: { cookie: `ll_console=${cookie}` }, redirect: 'manual' });
      expect([instance, direct.status]).toEqual([instance, 200]);
    }
    await Promise.all([page.waitForNavigation(), page.click('text=Sign out')]);
    expect(await page.locator('h1').textContent()).toContain('signed out');
    for (const instance of [cluster.api.url, second.url]) {
      const replay = await fetch(`${instance}/console/approvals`, { headers: { cookie: `ll_console=${cookie}` }, redirect: 'manual' });
      expect([instance, replay.status, replay.headers.get('location')]).toEqual([instance, 303, expect.stringContaining('/console/sign-in')]);
    }
    await context.close();
  });
});
