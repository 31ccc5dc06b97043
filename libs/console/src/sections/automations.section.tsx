import type { VNode } from 'preact';
import { ErrorSummary, Inset, NextPage, Notice, TableRegion, Time, type Problem } from '../pages/components.js';
import { notFoundBody } from '../pages/error.page.js';
import { page, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { publishRoutes } from './automation-publish.js';
import { automationView, listAutomations, versionParam } from './automation-view.js';
import type { AutomationDetails } from './automations.types.js';
import { NameList, pageByName } from './name-page.js';

const NOTICES: Record<string, string> = {
  published: 'Published: agents allowed to start this automation now start this version.',
  unchanged: 'Nothing published: the latest version already has this definition.',
};

const href = (name: string, version?: number): string => `/console/automations/${encodeURIComponent(name)}${version === undefined ? '' : `?version=${version}`}`;

async function automationsPage(context: PageContext): Promise<PageResult> {
  const list = pageByName(await listAutomations(context.api), context.query);
  // The list answers who published only once it has that field: no column of dashes before.
  const withPublisher = list.items.some((automation) => automation.publishedBy !== undefined);
  return page('Automations', (
    <>
      <h1>Automations</h1>
      <p class="ll-lede">What agents may start, each at its latest version. Publishing adds a version; earlier ones stay as runs started them.</p>
      <p><a class="ll-button" href="/console/publish-automation">Publish an automation</a></p>
      <NameList
        page={list}
        url={context.url}
        action="/console/automations"
        label="automations"
        caption="Automations by name, latest version"
        head={<tr><th scope="col">Name</th><th scope="col">Title</th><th scope="col">Latest version</th><th scope="col">Published</th>{withPublisher && <th scope="col">By</th>}</tr>}
        row={(automation) => (
          <tr>
            <td><a href={href(automation.name)}>{automation.name}</a></td>
            <td>{automation.title}</td>
            <td>v{automation.version}</td>
            <td><Time at={automation.publishedAt} /></td>
            {withPublisher && <td>{automation.publishedBy ?? '–'}</td>}
          </tr>
        )}
      />
    </>
  ));
}

function Links({ context, name, version }: { context: PageContext; name: string; version: number | undefined }): VNode {
  const from = `/console/publish-automation?from=${encodeURIComponent(name)}${version === undefined ? '' : `&version=${version}`}`;
  return (
    <div class="ll-actions">
      <a class="ll-button" href={from}>Publish a new version from this one</a>
      {(hasScope(context.session, 'runs:read') || hasScope(context.session, 'runs:admin')) && <a href={`/console/runs?automation=${encodeURIComponent(name)}`}>Its runs</a>}
      {hasScope(context.session, 'audit:read') && <a href={`/console/audit?automation=${encodeURIComponent(name)}`}>Its audit trail</a>}
    </div>
  );
}

function Versions({ details, shown }: { details: AutomationDetails; shown: number | undefined }): VNode {
  const versions = [...details.versions].sort((a, b) => b.version - a.version);
  return (
    <TableRegion label="Versions">
      <table>
        <caption class="ll-visually-hidden">Versions, newest first</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th></tr></thead>
        <tbody>
          {versions.map((entry) => (
            <tr>
              <td>
                {entry.version === shown
                  ? <a href={href(details.name, entry.version)} aria-current="page">v{entry.version} (shown)</a>
                  : <a href={href(details.name, entry.version)}>v{entry.version}</a>}
              </td>
              <td><Time at={entry.publishedAt} /></td>
              <td>{entry.publishedBy ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function titleOf(definition: unknown): string | undefined {
  const title = (definition as { title?: unknown } | null)?.title;
  return typeof title === 'string' ? title : undefined;
}

async function automationPage(context: PageContext): Promise<PageResult> {
  const name = context.params.name ?? '';
  const asked = versionParam(context.query);
  const problems: Problem[] = asked === 'invalid' ? [{ message: 'The version in the address is not a version number: the latest is shown.' }] : [];
  const view = await automationView(context.api, name, asked === 'invalid' ? undefined : asked);
  if (view.kind === 'missing') return page('Not found', notFoundBody(), 404);
  const notice = <Notice text={NOTICES[context.query.get('notice') ?? '']} />;
  const back = <p><a href="/console/automations">Back to automations</a></p>;
  if (view.kind === 'summary') {
    const { summary } = view;
    return page(`Automation ${summary.name}`, (
      <>
        <ErrorSummary problems={problems} />
        {notice}
        {back}
        <h1>{summary.title} <span class="ll-muted ll-small">{summary.name}</span></h1>
        <Inset>
          This platform does not give an automation's versions or definition yet, so this page shows what the list of automations gives: the latest version only{asked !== undefined ? ', whatever version the address asks for' : ''}.
        </Inset>
        <Summary name={summary.name} version={summary.version} publishedAt={summary.publishedAt} publishedBy={summary.publishedBy} />
        <Links context={context} name={summary.name} version={undefined} />
      </>
    ));
  }
  const { details, shown } = view;
  const entry = details.versions.find((candidate) => candidate.version === shown);
  return page(`Automation ${details.name}`, (
    <>
      <ErrorSummary problems={problems} />
      {notice}
      {back}
      <h1>{titleOf(details.definition) ?? details.name} <span class="ll-muted ll-small">{details.name}</span></h1>
      <Summary name={details.name} version={shown} publishedAt={entry?.publishedAt} publishedBy={entry?.publishedBy} />
      <Links context={context} name={details.name} version={shown} />
      <h2>Versions</h2>
      <Versions details={details} shown={shown} />
      <NextPage url={context.url} cursor={details.nextCursor} />
      <h2>Definition{shown === undefined ? '' : ` of version ${shown}`}</h2>
      <pre class="ll-json" tabindex={0} aria-label="Definition as JSON">{JSON.stringify(details.definition, null, 2)}</pre>
    </>
  ));
}

function Summary({ name, version, publishedAt, publishedBy }: { name: string; version: number | undefined; publishedAt: string | undefined; publishedBy: string | null | undefined }): VNode {
  return (
    <dl class="ll-summary">
      <dt>Name</dt><dd>{name}</dd>
      <dt>Version</dt><dd>{version === undefined ? '–' : `v${version}`}</dd>
      <dt>Published</dt><dd><Time at={publishedAt} /></dd>
      <dt>By</dt><dd>{publishedBy ?? '–'}</dd>
      <dt>Scope to start it</dt><dd><code>automation:{name}</code></dd>
    </dl>
  );
}

export const automationsSection: ConsoleSection = {
  id: 'automations',
  label: 'Automations',
  href: '/console/automations',
  scopes: ['automations:admin'],
  routes: [
    { method: 'GET', path: '/automations', handle: automationsPage },
    { method: 'GET', path: '/automations/:name', handle: automationPage },
    ...publishRoutes,
  ],
};
