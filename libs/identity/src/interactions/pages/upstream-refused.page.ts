import type { FederatedRefusal } from '../federated-sign-in.js';
import { escapeHtml, layout } from './html.js';

export interface UpstreamRefusedPage {
  reason: FederatedRefusal;
  /** The provider's button text, when the sign-in got that far. */
  providerLabel?: string;
  userId?: string;
  tenantId?: string;
  /** The sign-in page of the interaction, to try another way (only this browser's interaction cookie opens it). */
  retryUrl?: string;
}

/** The HTTP status of each refusal: a bad return is the browser's (400), an unreachable provider is a gateway's (503). */
export function upstreamRefusalStatus(reason: FederatedRefusal): number {
  if (reason === 'unknown_state') return 400;
  return reason === 'upstream_unavailable' ? 503 : 403;
}

/** Why the company sign-in stopped, in words for the person (never a token, claim dump or stack). */
export function upstreamRefusedPage(page: UpstreamRefusedPage): string {
  const retry = page.retryUrl
    ? `<p><a href="${escapeHtml(page.retryUrl)}">Back to the sign-in page</a> to sign in another way.</p>`
    : '<p>Go back to the application and start again.</p>';
  return layout('Sign-in stopped', `<h1>Sign-in stopped</h1>
<p class="ll-lead">${escapeHtml(messageOf(page))}</p>
${retry}`);
}

function messageOf(page: UpstreamRefusedPage): string {
  const provider = page.providerLabel?.replace(/^Sign in with\s+/i, '') ?? 'your organisation’s sign-in';
  switch (page.reason) {
    case 'unknown_state':
      return 'This sign-in has expired, was already completed, or was started in another browser.';
    case 'upstream_denied':
      return `${provider} did not sign you in.`;
    case 'upstream_invalid':
      return `${provider} sent an answer Ledgerline could not verify. Tell your administrator.`;
    case 'upstream_unavailable':
      return `${provider} cannot be reached at the moment. Try again in a minute.`;
    case 'no_user_id':
      return `${provider} did not say who you are in a way Ledgerline can use. Tell your administrator.`;
    case 'email_unverified':
      return `${provider} has not verified your email address, so Ledgerline cannot tell who you are or which organisation you belong to.`;
    case 'no_tenant':
      return `Your account at ${provider} is not linked to an organisation in Ledgerline.`;
    case 'invalid_tenant':
    case 'unknown_tenant':
      return `Your organisation is not set up in Ledgerline.`;
    case 'suspended':
      return 'Your organisation is suspended in Ledgerline.';
    case 'local_account':
      return `${page.userId ?? 'This user'} in ${page.tenantId ?? 'this organisation'} signs in with a Ledgerline password, not through ${provider}.`;
  }
}
