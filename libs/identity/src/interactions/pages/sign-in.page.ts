import { errorSummary, escapeHtml, layout, type FieldError } from './html.js';

export interface SignInPage {
  uid: string;
  csrf: string;
  clientName: string;
  /** Values to keep in the form after a failed attempt (never the password). */
  tenant?: string;
  username?: string;
  errors?: readonly FieldError[];
  /** Sign-in through the company's identity providers, when configured: one button each. */
  federated?: ReadonlyArray<{ id: string; label: string }>;
  /** Set when sensitive scopes asked for a fresh sign-in. */
  reauthenticate?: boolean;
}

/** A labelled text field as GOV.UK lays one out: label, hint, error message, input; the input described by its hint and error. */
function field(id: string, label: string, type: 'text' | 'password', value: string, errors: readonly FieldError[], autocomplete: string, hint?: string): string {
  const error = errors.find((item) => item.field === id);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="${error ? 'll-field-error' : ''}">
<label for="${id}">${escapeHtml(label)}</label>
${hint ? `<span class="ll-hint" id="${id}-hint">${escapeHtml(hint)}</span>` : ''}
${error ? `<span class="ll-error-message" id="${id}-error"><span class="ll-visually-hidden">Error:</span> ${escapeHtml(error.message)}</span>` : ''}
<input type="${type}" id="${id}" name="${id}" value="${escapeHtml(value)}" autocomplete="${autocomplete}" spellcheck="false"${describedBy ? ` aria-describedby="${describedBy}"` : ''}>
</div>`;
}

export function signInPage(page: SignInPage): string {
  const errors = page.errors ?? [];
  const action = `/interaction/${encodeURIComponent(page.uid)}`;
  const buttons = (page.federated ?? []).map((provider) => `<button type="submit" name="provider" value="${escapeHtml(provider.id)}" class="ll-secondary">${escapeHtml(provider.label)}</button>`).join('\n');
  const federated = buttons
    ? `<form method="post" action="${action}/federated"><input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}"><div class="ll-actions">${buttons}</div></form><p>or with a Ledgerline account:</p>`
    : '';
  // Cancel stands beside Sign in but submits a form of its own (form="cancel"): Enter in a field
  // still signs in, as the sign-in form's first button is its default.
  return layout('Sign in', `${errorSummary(errors)}
<h1>Sign in</h1>
<p class="ll-lead">${escapeHtml(page.clientName)} wants to act for you in Ledgerline.${page.reauthenticate ? ' It asks for sensitive permissions, so sign in again.' : ''}</p>
${federated}
<form method="post" action="${action}/sign-in" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">
${field('tenant', 'Organisation', 'text', page.tenant ?? '', errors, 'organization', 'Your organisation’s Ledgerline id, for example acme')}
${field('username', 'Username', 'text', page.username ?? '', errors, 'username')}
${field('password', 'Password', 'password', '', errors, 'current-password')}
<div class="ll-actions"><button type="submit">Sign in</button>
<button type="submit" form="cancel" class="ll-secondary">Cancel</button></div>
</form>
<form id="cancel" method="post" action="${action}/abort"><input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}"></form>`);
}
