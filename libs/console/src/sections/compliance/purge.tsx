import { ApiError } from '../../api/console-api.js';
import { ErrorSummary, type Problem } from '../../pages/components.js';
import { Choices, FormHead, PostForm, TextField } from '../../pages/forms.js';
import { formText, page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { COMPLIANCE } from './compliance-page.js';

const PURGE = `${COMPLIANCE}/purge`;
/** The API's rule for a data subject (a user id). */
const SUBJECT = /^[\x21-\x7e]{1,256}$/;

type Target = { kind: 'subject'; subject: string } | { kind: 'tenant' };

interface PurgeResult {
  keysDestroyed: number;
}

/** The target as chosen on the first page (or carried by the confirmation form), or what is wrong with it. */
function targetOf(kind: string, subject: string): { target: Target } | { problems: Problem[] } {
  if (kind === 'tenant') return { target: { kind: 'tenant' } };
  if (kind !== 'subject') return { problems: [{ field: 'target', message: "Choose whose personal data to purge: one person's, or the whole tenant's." }] };
  if (subject === '') return { problems: [{ field: 'subject', message: 'Enter the user id of the person whose personal data to purge.' }] };
  if (!SUBJECT.test(subject)) return { problems: [{ field: 'subject', message: 'Enter a user id: up to 256 characters, no spaces.' }] };
  return { target: { kind: 'subject', subject } };
}

function choosePage(kind: string, subject: string, problems: readonly Problem[] = []): PageResult {
  return page('Purge personal data', (
    <>
      <FormHead problems={problems} back={{ href: COMPLIANCE, label: 'Back to compliance' }} title="Purge personal data" />
      <p>Purging destroys the data keys that personal data is sealed with. The data then reads as erased everywhere: the log, the views, exports and archive files. The hash chain still verifies. It cannot be undone.</p>
      <form method="get" action={PURGE} novalidate>
        <Choices id="target" type="radio" label="Whose personal data?" problems={problems} checked={[kind]} choices={[
          { value: 'subject', label: "One person's", hint: 'Their memory, the data of the runs they started, and what those runs were answered.' },
          { value: 'tenant', label: "The whole tenant's", hint: "Every key the tenant holds: all personal data and the connectors' secrets." },
        ]} />
        <TextField id="subject" label="The person's user id" hint="Only for one person's data." problems={problems} value={subject} maxLength={256} />
        <div class="ll-actions"><button type="submit">Continue</button> <a href={COMPLIANCE}>Cancel</a></div>
      </form>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

/** What a target destroys, as its button and question name it. */
function whatOf(target: Target, tenantId: string): { button: string; expected: string; confirmLabel: string } {
  return target.kind === 'subject'
    ? { button: `Purge personal data of ${target.subject}`, expected: target.subject, confirmLabel: `To confirm, type the user id ${target.subject}` }
    : { button: `Purge all personal data and connector secrets of ${tenantId}`, expected: tenantId, confirmLabel: `To confirm, type the tenant id ${tenantId}` };
}

function confirmPage(context: PageContext, target: Target, problems: readonly Problem[] = [], typed = ''): PageResult {
  const what = whatOf(target, context.session.tenantId);
  return page(what.button, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={PURGE}>Back</a></p>
      <h1>{what.button}?</h1>
      <div class="ll-warning-text">
        <span class="ll-warning-icon" aria-hidden="true">!</span>
        <strong><span class="ll-visually-hidden">Warning: </span>This cannot be undone. No backup of the platform brings the keys back{target.kind === 'tenant' ? ', and every connector must be given its secret again' : ''}.</strong>
      </div>
      <p>{target.kind === 'subject'
        ? `Every data key of ${target.subject} is destroyed: their memory, the data of the runs they started and what those runs were answered read as erased from then on, everywhere, and a run of theirs still under way fails.`
        : `Every data key of ${context.session.tenantId} is destroyed: all personal data of everyone in the tenant and the connectors' secrets read as erased from then on, everywhere.`}</p>
      <PostForm action={PURGE} csrf={context.session.csrf}>
        <input type="hidden" name="target" value={target.kind} />
        {target.kind === 'subject' && <input type="hidden" name="subject" value={target.subject} />}
        <TextField id="confirm" label={what.confirmLabel} problems={problems} value={typed} maxLength={256} />
        <div class="ll-actions">
          <button type="submit" class="ll-warning">{what.button}</button>
          <a href={COMPLIANCE}>Cancel</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

export async function purgePage(context: PageContext): Promise<PageResult> {
  const kind = context.query.get('target') ?? '';
  const subject = (context.query.get('subject') ?? '').trim();
  // The form always sends the subject's field: without it, nothing was chosen yet.
  if (!context.query.has('target') && !context.query.has('subject')) return choosePage('', subject);
  const chosen = targetOf(kind, subject);
  return 'problems' in chosen ? choosePage(kind, subject, chosen.problems) : confirmPage(context, chosen.target);
}

/** Nothing is called unless the person typed the subject (or the tenant id) exactly. */
export async function purge(context: PageContext): Promise<PageResult> {
  const chosen = targetOf(formText(context.form, 'target'), formText(context.form, 'subject'));
  if ('problems' in chosen) return choosePage(formText(context.form, 'target'), formText(context.form, 'subject'), chosen.problems);
  const { target } = chosen;
  const what = whatOf(target, context.session.tenantId);
  const typed = typeof context.form.confirm === 'string' ? context.form.confirm : '';
  if (typed !== what.expected) {
    const message = typed.trim() === '' ? `${what.confirmLabel.replace('To confirm, type', 'Type')} to confirm the purge.` : `That is not ${what.expected}: type it exactly as shown. Nothing was purged.`;
    return confirmPage(context, target, [{ field: 'confirm', message }], typed);
  }
  let result: PurgeResult;
  try {
    result = await context.api.post<PurgeResult>('/v1/compliance/purges', target.kind === 'subject' ? { subject: target.subject } : { wholeTenant: true });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    return confirmPage(context, target, [{ message: error.message }], typed);
  }
  const done = new URLSearchParams({ target: target.kind, keys: String(result.keysDestroyed), ...(target.kind === 'subject' && { subject: target.subject }) });
  return redirect(`${PURGE}/done?${done}`);
}

export async function purgeDonePage(context: PageContext): Promise<PageResult> {
  const subject = context.query.get('subject') ?? '';
  const keys = Number.parseInt(context.query.get('keys') ?? '', 10);
  const whose = context.query.get('target') === 'tenant' ? `every person of ${context.session.tenantId}` : subject;
  const destroyed = keys === 0 ? 'No data key was left to destroy: there was none, or an earlier purge destroyed it.' : `${keys} data key${keys === 1 ? '' : 's'} destroyed.`;
  return page('Purged', (
    <>
      <div class="ll-panel-good" role="status">
        <h1>Personal data of {whose} purged</h1>
        {Number.isFinite(keys) && <p>{destroyed}</p>}
      </div>
      <p>Their data now reads as erased in tool results and exports; a run of theirs still under way fails. The purge is recorded in the tenant's trail.</p>
      <p><a href={COMPLIANCE}>Back to compliance</a></p>
    </>
  ));
}
