import { errorSummary, escapeHtml, layout, type FieldError } from './html.js';

export interface ConsentScope {
  scope: string;
  description: string;
  sensitive: boolean;
  /** Human lifetime of an access token carrying it, e.g. "15 minutes". */
  lifetime: string;
}

export interface ConsentPage {
  uid: string;
  csrf: string;
  client: { name: string; id: string; origin: string | undefined; verified: boolean; registration: string };
  user: { tenantId: string; userId: string };
  scopes: readonly ConsentScope[];
  /** How long the grant lasts if every listed scope is granted. */
  grantLifetime: string;
  errors?: readonly FieldError[];
}

export function consentPage(page: ConsentPage): string {
  const action = `/interaction/${encodeURIComponent(page.uid)}`;
  const items = page.scopes
    .map((scope, index) => `<li><input type="checkbox" id="scope-${index}" name="scope" value="${escapeHtml(scope.scope)}" checked aria-describedby="scope-${index}-hint">
<label for="scope-${index}">${escapeHtml(scope.description)} <code>${escapeHtml(scope.scope)}</code>${scope.sensitive ? '<span class="ll-tag">sensitive</span>' : ''}</label>
<span class="ll-hint" id="scope-${index}-hint">Each access lasts up to ${escapeHtml(scope.lifetime)}</span></li>`)
    .join('\n');
  const { client } = page;
  const scopesError = page.errors?.find((error) => error.field === 'scopes');
  return layout('Allow access', `${errorSummary(page.errors ?? [])}
<h1>Allow ${escapeHtml(client.name)} to act for you?</h1>
<dl class="ll-summary">
<dt>Application</dt><dd>${escapeHtml(client.name)}${client.verified ? '' : ' <span class="ll-tag">unverified</span>'}</dd>
<dt>Client id</dt><dd><code>${escapeHtml(client.id)}</code> (${escapeHtml(client.registration)})</dd>
${client.origin ? `<dt>Sends you back to</dt><dd><code>${escapeHtml(client.origin)}</code></dd>` : ''}
<dt>You</dt><dd>${escapeHtml(page.user.userId)} in ${escapeHtml(page.user.tenantId)}</dd>
</dl>
<form method="post" action="${action}/consent">
<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">
<fieldset id="scopes" aria-describedby="scopes-hint${scopesError ? ' scopes-error' : ''}"><legend>It asks to</legend>
<span class="ll-hint" id="scopes-hint">Untick what it should not do. Sensitive permissions are never remembered.</span>
${scopesError ? `<span class="ll-error-message" id="scopes-error"><span class="ll-visually-hidden">Error:</span> ${escapeHtml(scopesError.message)}</span>` : ''}
<ul class="ll-scopes">
${items}
</ul></fieldset>
<p>You can take this back at any time (grant_revoke, or the console's Delegations page). The delegation ends after ${escapeHtml(page.grantLifetime)} at most.</p>
<div class="ll-actions"><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="ll-secondary">Deny</button></div>
</form>`);
}

export function humanDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
