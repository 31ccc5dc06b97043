import { CsrfField, ErrorSummary, type Problem } from '../pages/components.js';
import { formText, page, redirect, type ConsoleRoute, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { isFormRefusal } from './form-refusal.js';
import { isPolicyMode, type PolicyChangeResult, type PolicyMode, type PolicySummary } from './policies.types.js';
import { adminOnly, notFound, POLICIES_ADMIN, policyHref, policyOf, reportOf } from './policy-lookup.js';
import { ActivityList } from './policy-report-view.js';

/** The mode the confirmation offers: the other one. */
const otherMode = (mode: PolicyMode): PolicyMode => (mode === 'log-only' ? 'enforce' : 'log-only');

/** The confirmation step before a mode change: what the policy decided so far, and a button naming the change. */
async function modePage(context: PageContext, policy: PolicySummary, problems: readonly Problem[] = []): Promise<PageResult> {
  const { name, mode } = policy;
  const target = otherMode(mode);
  const activities = (await reportOf(context, { policy: name, limit: 1 })).policies.filter((activity) => activity.policy === name);
  const title = target === 'enforce' ? `Enforce ${name}?` : `Switch ${name} back to log-only?`;
  return page(title, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={policyHref(name)}>Back to {name}</a></p>
      <h1>{title}</h1>
      <p class="ll-lede">
        {target === 'enforce'
          ? 'From the next call on, every call it forbids is refused, a call it sends for approval waits for one (an automation run) or is refused, and a call it fails to evaluate is refused.'
          : 'From the next call on, it refuses nothing: calls it forbids run, and are recorded in its report.'}
      </p>
      <dl class="ll-summary">
        <dt>So far</dt><dd><ActivityList activities={activities} mode={mode} /></dd>
      </dl>
      <form method="post" action={`${policyHref(name)}/mode`} novalidate>
        <CsrfField token={context.session.csrf} />
        <input type="hidden" name="mode" value={target} />
        <div class="ll-actions">
          <button type="submit" class={target === 'enforce' ? 'll-warning' : undefined}>{target === 'enforce' ? `Enforce ${name}` : `Switch ${name} to log-only`}</button>
          <a href={policyHref(name)}>Cancel</a>
        </div>
      </form>
    </>
  ));
}

function removePage(context: PageContext, policy: PolicySummary, problems: readonly Problem[] = []): PageResult {
  const { name } = policy;
  return page(`Remove ${name}?`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={policyHref(name)}>Back to {name}</a></p>
      <h1>Remove {name}?</h1>
      <p class="ll-lede">It judges no call from the next one on, in either mode. What it decided stays in the audit trail; publishing the name again starts its next version.</p>
      <form method="post" action={`${policyHref(name)}/remove`} novalidate>
        <CsrfField token={context.session.csrf} />
        <div class="ll-actions">
          <button type="submit" class="ll-warning">Remove policy {name}</button>
          <a href={policyHref(name)}>Cancel</a>
        </div>
      </form>
    </>
  ));
}

/** GET of a change's confirmation: not found for a policy the tenant does not have, 403 for a reader. */
function confirmation(show: (context: PageContext, policy: PolicySummary) => PageResult | Promise<PageResult>): ConsoleRoute['handle'] {
  return async (context) => {
    const policy = await policyOf(context);
    if (!policy) return notFound();
    return hasScope(context.session, POLICIES_ADMIN) ? show(context, policy) : adminOnly();
  };
}

async function setMode(context: PageContext): Promise<PageResult> {
  const policy = await policyOf(context);
  if (!policy) return notFound();
  const mode = formText(context.form, 'mode');
  if (!isPolicyMode(mode)) return modePage(context, policy, [{ message: 'Choose log-only or enforce.' }]);
  let result: PolicyChangeResult;
  try {
    result = await context.api.post<PolicyChangeResult>(`/v1/policies/${encodeURIComponent(policy.name)}/mode`, { mode });
  } catch (error) {
    if (isFormRefusal(error)) return modePage(context, policy, [{ message: error.message }]);
    throw error;
  }
  return redirect(`${policyHref(result.name)}?notice=${result.changed ? result.mode : 'unchanged'}`);
}

async function remove(context: PageContext): Promise<PageResult> {
  const policy = await policyOf(context);
  if (!policy) return notFound();
  try {
    await context.api.delete(`/v1/policies/${encodeURIComponent(policy.name)}`);
  } catch (error) {
    if (isFormRefusal(error)) return removePage(context, policy, [{ message: error.message }]);
    throw error;
  }
  return redirect('/console/policies?notice=removed');
}

export const changeRoutes: readonly ConsoleRoute[] = [
  { method: 'GET', path: '/policies/:name/mode', handle: confirmation(modePage) },
  { method: 'POST', path: '/policies/:name/mode', handle: setMode },
  { method: 'GET', path: '/policies/:name/remove', handle: confirmation(removePage) },
  { method: 'POST', path: '/policies/:name/remove', handle: remove },
];
