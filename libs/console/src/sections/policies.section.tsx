import type { VNode } from 'preact';
import { Inset, Notice, StatusTag, Time } from '../pages/components.js';
import { page, type ConsoleSection, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { NameList, pageByName } from './name-page.js';
import type { PolicyActivity, PolicySummary } from './policies.types.js';
import { changeRoutes } from './policy-change.js';
import { listPolicies, notFound, POLICIES_ADMIN, POLICIES_READ, policyHref, policyOf, reportOf } from './policy-lookup.js';
import { publishRoutes } from './policy-publish.js';
import { ActivityList, decisionLabel, Examples, newestFirst } from './policy-report-view.js';

const NOTICES: Record<string, string> = {
  published: 'Published. Its report below fills as calls are evaluated.',
  unchanged: 'Nothing changed: the policy already has this text and mode.',
  enforce: 'Enforced: calls it forbids are refused from now on.',
  'log-only': 'Log-only: calls it forbids run again, and are recorded.',
  removed: 'Removed: it judges no call from now on. What it decided stays in the audit trail.',
};

/** Examples per policy and mode the list asks for: the latest one is shown per policy. */
const LIST_EXAMPLES = 1;
/** Examples per mode a policy's page shows. */
const PAGE_EXAMPLES = 20;

function Latest({ activities }: { activities: readonly PolicyActivity[] }): VNode {
  const [latest] = newestFirst(activities);
  if (!latest) return <span class="ll-muted">–</span>;
  return <><code>{latest.tool}</code> by {latest.userId}: {decisionLabel(latest.mode, latest.decision)}, <Time at={latest.at} /></>;
}

async function policiesPage(context: PageContext): Promise<PageResult> {
  const [policies, report] = await Promise.all([listPolicies(context), reportOf(context, { limit: LIST_EXAMPLES })]);
  const activitiesOf = (policy: PolicySummary): PolicyActivity[] => report.policies.filter((activity) => activity.policy === policy.name);
  return page('Policies', (
    <>
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <h1>Policies</h1>
      <p class="ll-lede">Cedar policies over the tools your agents call. A log-only policy refuses nothing: its report says what it would have blocked, so you can read that before you enforce it.</p>
      {hasScope(context.session, POLICIES_ADMIN) && <p><a class="ll-button" href="/console/publish-policy">Publish a policy</a></p>}
      <NameList
        page={pageByName(policies, context.query)}
        url={context.url}
        action="/console/policies"
        label="policies"
        caption="Policies by name, with what each blocked or would have blocked"
        head={<tr><th scope="col">Name</th><th scope="col">Mode</th><th scope="col">Version</th><th scope="col">Blocked, or would have</th><th scope="col">Latest</th></tr>}
        row={(policy) => (
          <tr>
            <td><a href={policyHref(policy.name)}>{policy.name}</a></td>
            <td><StatusTag status={policy.mode} /></td>
            <td>v{policy.version}</td>
            <td><ActivityList activities={activitiesOf(policy)} mode={policy.mode} /></td>
            <td><Latest activities={activitiesOf(policy)} /></td>
          </tr>
        )}
      />
    </>
  ));
}

async function policyPage(context: PageContext): Promise<PageResult> {
  const policy = await policyOf(context);
  if (!policy) return notFound();
  const { name, mode, version, text } = policy;
  const activities = (await reportOf(context, { policy: name, limit: PAGE_EXAMPLES })).policies.filter((activity) => activity.policy === name);
  const admin = hasScope(context.session, POLICIES_ADMIN);
  return page(`Policy ${name}`, (
    <>
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <p><a href="/console/policies">Back to policies</a></p>
      <h1>{name}</h1>
      <dl class="ll-summary">
        <dt>Mode</dt><dd><StatusTag status={mode} /> {mode === 'log-only' ? 'every call is evaluated and recorded, none is refused' : 'calls it forbids are refused'}</dd>
        <dt>Version</dt><dd>v{version}</dd>
        <dt>Blocked, or would have</dt><dd><ActivityList activities={activities} mode={mode} /></dd>
      </dl>
      {admin && (
        <div class="ll-actions">
          <a class={`ll-button${mode === 'log-only' ? ' ll-warning' : ''}`} href={`${policyHref(name)}/mode`}>{mode === 'log-only' ? `Enforce ${name}` : `Switch ${name} to log-only`}</a>
          <a class="ll-button ll-secondary" href={`/console/publish-policy?from=${encodeURIComponent(name)}`}>Publish a new version</a>
          <a class="ll-button ll-secondary" href={`${policyHref(name)}/remove`}>Remove {name}</a>
        </div>
      )}
      <h2>Latest decisions</h2>
      {mode === 'log-only' && <Inset>In log-only mode these calls ran: the decisions are what enforcing {name} would have done.</Inset>}
      <Examples activities={activities} label={`Latest decisions of ${name}`} />
      <h2>Cedar text of version {version}</h2>
      <pre class="ll-json" tabindex={0} aria-label={`Cedar text of ${name}`}>{text}</pre>
    </>
  ));
}

export const policiesSection: ConsoleSection = {
  id: 'policies',
  label: 'Policies',
  href: '/console/policies',
  scopes: [POLICIES_READ, POLICIES_ADMIN],
  routes: [
    { method: 'GET', path: '/policies', handle: policiesPage },
    { method: 'GET', path: '/policies/:name', handle: policyPage },
    ...changeRoutes,
    ...publishRoutes,
  ],
};
