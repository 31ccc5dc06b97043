import type { ConnectorSummary } from '#connectors/nest';
import { Notice, StatusTag, Time } from '../pages/components.js';
import { page, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { CONNECTORS_ADMIN, connectorHref, connectorOf, listConnectors, notFound } from './connector-lookup.js';
import { configRoutes } from './connector-config-pages.js';
import { secretRoutes } from './connector-secret.js';
import { NameList, pageByName } from './name-page.js';

const NOTICES: Record<string, string> = {
  registered: 'Registered. Set its secret if the service needs one.',
  replaced: 'Configuration replaced: calls from now on use it.',
  unchanged: 'Nothing changed: the configuration sent is the one it has.',
  'secret-set': 'Secret set. It is stored sealed and never shown again.',
  'secret-replaced': 'Secret replaced: calls from now on use the new one. The old one is retired once no run holds it.',
};

function lastOutcome({ health }: ConnectorSummary): string {
  const parts = [health.lastStatus === null ? '' : `HTTP ${health.lastStatus}`, health.lastErrorClass ?? ''].filter((part) => part !== '');
  return parts.length === 0 ? '–' : parts.join(', ');
}

/** GET /v1/connectors/{name}: the configuration as registered (the secret is never part of it). */
interface ConnectorDetails {
  config: Record<string, unknown>;
  secretVersion: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '–';
}

/** Where the secret goes in a call: the template names {{secret}}, never its value. */
function describeAuth(auth: unknown): string {
  if (!isObject(auth)) return 'not sent (no auth)';
  return `${text(auth.placement)} ${text(auth.name)}: ${text(auth.template)}`;
}

async function connectorsPage(context: PageContext): Promise<PageResult> {
  return page('Connectors', (
    <>
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <h1>Connectors</h1>
      <p class="ll-lede">The HTTP services automations call, with how their calls went. A connector's secret is never shown back, here or anywhere.</p>
      {hasScope(context.session, CONNECTORS_ADMIN) && <p><a class="ll-button" href="/console/register-connector">Register a connector</a></p>}
      <NameList
        page={pageByName(await listConnectors(context), context.query)}
        url={context.url}
        action="/console/connectors"
        label="connectors"
        caption="Connectors by name, with their health"
        head={<tr><th scope="col">Name</th><th scope="col">Health</th><th scope="col">Calls ok / failed</th><th scope="col">Last call</th><th scope="col">Last outcome</th><th scope="col">Secret</th></tr>}
        row={(connector) => (
          <tr>
            <td><a href={connectorHref(connector.name)}>{connector.name}</a>{connector.description && <div class="ll-muted">{connector.description}</div>}</td>
            <td><StatusTag status={connector.health.status} /></td>
            <td>{connector.health.callsOk} / {connector.health.callsFailed}</td>
            <td><Time at={connector.health.lastCallAt} /></td>
            <td>{lastOutcome(connector)}</td>
            <td>{connector.hasSecret ? 'Set' : 'Not set'}</td>
          </tr>
        )}
      />
    </>
  ));
}

async function connectorPage(context: PageContext): Promise<PageResult> {
  const connector = await connectorOf(context);
  if (!connector) return notFound();
  const { name, health } = connector;
  const admin = hasScope(context.session, CONNECTORS_ADMIN);
  const { config, secretVersion } = await context.api.get<ConnectorDetails>(`/v1/connectors/${encodeURIComponent(name)}`);
  return page(`Connector ${name}`, (
    <>
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <p><a href="/console/connectors">Back to connectors</a></p>
      <h1>{name}</h1>
      <dl class="ll-summary">
        <dt>Description</dt><dd>{connector.description || '–'}</dd>
        <dt>Health</dt><dd><StatusTag status={health.status} /></dd>
        <dt>Calls succeeded</dt><dd>{health.callsOk}</dd>
        <dt>Calls failed</dt><dd>{health.callsFailed}{health.consecutiveFailures > 0 && ` (the last ${health.consecutiveFailures} in a row)`}</dd>
        <dt>Last call</dt><dd><Time at={health.lastCallAt} /></dd>
        <dt>Last outcome</dt><dd>{lastOutcome(connector)}</dd>
        <dt>Secret</dt><dd>{connector.hasSecret ? `Set, version ${secretVersion} (never shown)` : 'Not set'}</dd>
      </dl>
      <h2>Configuration</h2>
      <dl class="ll-summary">
        <dt>Base URL</dt><dd><code>{text(config.baseUrl)}</code></dd>
        <dt>Allowed hosts</dt><dd>{Array.isArray(config.allowedHosts) && config.allowedHosts.length > 0 ? <ul class="ll-plain">{config.allowedHosts.map((host) => <li><code>{text(host)}</code></li>)}</ul> : '–'}</dd>
        <dt>Secret sent as</dt><dd>{describeAuth(config.auth)}</dd>
        {config.timeoutMs !== undefined && <><dt>Timeout</dt><dd>{text(config.timeoutMs)} ms</dd></>}
        {isObject(config.rateLimit) && <><dt>Rate limit</dt><dd>{text(config.rateLimit.perSecond)} calls/s{config.rateLimit.burst !== undefined ? `, bursts of ${text(config.rateLimit.burst)}` : ''}</dd></>}
        {isObject(config.headers) && Object.keys(config.headers).length > 0 && <><dt>Headers</dt><dd>{Object.keys(config.headers).join(', ')}</dd></>}
        {isObject(config.onBehalfOf) && <><dt>On behalf of</dt><dd>an assertion in <code>{text(config.onBehalfOf.header)}</code> for <code>{text(config.onBehalfOf.audience)}</code></dd></>}
      </dl>
      <div class="ll-actions">
        {admin && <a class="ll-button ll-secondary" href={`${connectorHref(name)}/configuration`}>Replace the configuration</a>}
        {admin && <a class={`ll-button${connector.hasSecret ? ' ll-warning' : ''}`} href={`${connectorHref(name)}/secret`}>{connector.hasSecret ? 'Replace the secret' : 'Set the secret'}</a>}
        {hasScope(context.session, 'audit:read') && <a href={`/console/audit?connector=${encodeURIComponent(name)}`}>Its audit trail</a>}
      </div>
    </>
  ));
}

export const connectorsSection: ConsoleSection = {
  id: 'connectors',
  label: 'Connectors',
  href: '/console/connectors',
  scopes: ['connectors:read', CONNECTORS_ADMIN],
  routes: [
    { method: 'GET', path: '/connectors', handle: connectorsPage },
    ...configRoutes,
    ...secretRoutes,
    { method: 'GET', path: '/connectors/:name', handle: connectorPage },
  ],
};
