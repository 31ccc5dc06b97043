import type { VNode } from 'preact';
import { ErrorSummary, Notice, type Problem } from '../../pages/components.js';
import { DateField, PostForm, TextField } from '../../pages/forms.js';
import { page, type PageContext, type PageResult } from '../../pages/page.js';
import { hasScope } from '../../session/console-session.js';

export const COMPLIANCE = '/console/compliance';

const NOTICES: Record<string, string> = {
  'event-retention': 'Event retention saved: the next archive run follows it.',
  'memory-retention': 'Memory retention saved: items older than it are hidden from reads at once.',
  'retention-unchanged': 'Nothing changed: the retention already was that.',
};

export interface ExportInput {
  since: string;
  until: string;
  views: boolean;
}

/** What a form on this page was sent with, to show it again beside its messages. */
export interface ComplianceForms {
  problems?: readonly Problem[];
  exportInput?: ExportInput;
  eventDays?: string;
  memoryDays?: string;
}

/** The tenant's retention of one kind: null keeps for ever. */
interface Retention {
  days: number | null;
}

interface RetentionFormText {
  id: 'event-days' | 'memory-days';
  heading: string;
  action: string;
  /** What null means, said of now. */
  forever: string;
  label: string;
  hint: string;
  button: string;
}

const EVENT_RETENTION_FORM: RetentionFormText = {
  id: 'event-days',
  heading: 'Event retention',
  action: `${COMPLIANCE}/retention/events`,
  forever: 'every event is kept',
  label: 'Archive closed streams after (days)',
  hint: 'Finished runs and completed exports whose last event is older than this leave the live store for a signed archive file. 1 to 36500; leave empty to keep every event.',
  button: 'Save event retention',
};

const MEMORY_RETENTION_FORM: RetentionFormText = {
  id: 'memory-days',
  heading: 'Memory retention',
  action: `${COMPLIANCE}/retention/memory`,
  forever: 'memory is kept for ever',
  label: 'Forget memory items after (days)',
  hint: 'Items not updated for this many days are hidden at once and expire. 1 to 36500; leave empty to keep memory for ever.',
  button: 'Save memory retention',
};

/** One retention: what it is now, and a form for days (empty keeps for ever); `typed` is what was sent, shown again beside its message. */
function RetentionForm({ form, days, typed, problems, csrf }: { form: RetentionFormText; days: number | null; typed: string | undefined; problems: readonly Problem[]; csrf: string }): VNode {
  return (
    <section class="ll-section" aria-labelledby={`${form.id}-heading`}>
      <h2 id={`${form.id}-heading`}>{form.heading}</h2>
      <p>Now: <span class="ll-strong">{days === null ? form.forever : `${days} day${days === 1 ? '' : 's'}`}</span>.</p>
      <PostForm action={form.action} csrf={csrf}>
        <TextField id={form.id} label={form.label} hint={form.hint} inputMode="numeric" maxLength={9} problems={problems} value={typed ?? (days === null ? '' : String(days))} />
        <div class="ll-actions"><button type="submit">{form.button}</button></div>
      </PostForm>
    </section>
  );
}

/** Compliance at a glance: one form a task (export, each retention, purge), shown to whoever may do it. */
export async function compliancePage(context: PageContext, forms: ComplianceForms = {}): Promise<PageResult> {
  const { session } = context;
  const problems = forms.problems ?? [];
  const canExport = hasScope(session, 'compliance:export');
  const events = hasScope(session, 'compliance:admin') ? await context.api.get<Retention>('/v1/compliance/retention') : undefined;
  const memory = hasScope(session, 'memory:admin') ? await context.api.get<Retention>('/v1/memory/retention') : undefined;
  const exportInput = forms.exportInput ?? { since: '', until: '', views: false };
  return page('Compliance', (
    <>
      <ErrorSummary problems={problems} />
      <Notice text={NOTICES[context.query.get('notice') ?? '']} />
      <h1>Compliance</h1>
      {canExport && (
        <section class="ll-section" aria-labelledby="export-heading">
          <h2 id="export-heading">Export</h2>
          <p>A signed file of the tenant's events ({session.tenantId}), in the <code>ledgerline-export/1</code> format. Every export is recorded in the tenant's trail.</p>
          <form method="get" action={`${COMPLIANCE}/export`} novalidate>
            <div class="ll-filters">
              <DateField id="since" label="From (UTC date, optional)" problems={problems} value={exportInput.since} />
              <DateField id="until" label="Until (UTC date, included, optional)" problems={problems} value={exportInput.until} />
              <div class="ll-field ll-check">
                <input type="checkbox" id="views" name="views" value="1" checked={exportInput.views} />
                <label for="views">Add the tenant's view rows</label>
              </div>
            </div>
            <div class="ll-actions">
              <button type="submit" formaction={`${COMPLIANCE}/verify`}>Download and verify</button>
              <button type="submit" class="ll-secondary">Download the export</button>
            </div>
            <p class="ll-hint">Download and verify: the console fetches an export and checks it as <code>ledgerline verify</code> does (hash chain, completeness, signature), then shows the result.</p>
          </form>
        </section>
      )}
      {events && <RetentionForm form={EVENT_RETENTION_FORM} days={events.days} typed={forms.eventDays} problems={problems} csrf={session.csrf} />}
      {memory && <RetentionForm form={MEMORY_RETENTION_FORM} days={memory.days} typed={forms.memoryDays} problems={problems} csrf={session.csrf} />}
      {hasScope(session, 'compliance:purge') && (
        <section class="ll-section" aria-labelledby="purge-heading">
          <h2 id="purge-heading">Purge personal data</h2>
          <p>Destroys the keys a person's personal data is sealed with, so it reads as erased everywhere: the log, the views, exports and archives. It cannot be undone.</p>
          <p><a class="ll-button ll-warning" href={`${COMPLIANCE}/purge`}>Start a purge</a></p>
        </section>
      )}
    </>
  ), problems.length > 0 ? 400 : undefined);
}
