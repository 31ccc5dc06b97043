import type { ApiError } from '../api/console-api.js';
import { CsrfField, ErrorSummary, Field, type Problem } from '../pages/components.js';
import { Choices, TextField } from '../pages/forms.js';
import { formText, page, redirect, type ConsoleRoute, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { formRaw, isFormRefusal } from './form-refusal.js';
import { isPolicyMode, type PolicyChangeResult, type PolicyMode } from './policies.types.js';
import { adminOnly, listPolicies, POLICIES_ADMIN, policyHref } from './policy-lookup.js';

interface PublishFields {
  name: string;
  text: string;
  mode: PolicyMode;
}

const MODE_CHOICES = [
  { value: 'log-only', label: 'Log-only', hint: 'Evaluated and recorded, never refuses: read its report before you enforce it.' },
  { value: 'enforce', label: 'Enforce', hint: 'Calls it forbids are refused from the next call on.' },
];

/** Which field an error code of POST /v1/policies is about. */
const FIELD_OF: Record<string, keyof PublishFields> = {
  'policy.invalid': 'text',
  'policy.text_too_large': 'text',
  'policy.invalid_name': 'name',
  'policy.invalid_mode': 'mode',
};

function publishPage(context: PageContext, fields: PublishFields, problems: readonly Problem[] = []): PageResult {
  return page('Publish a policy', (
    <>
      <ErrorSummary problems={problems} />
      <p><a href="/console/policies">Back to policies</a></p>
      <h1>Publish a policy</h1>
      <p class="ll-lede">A new name makes a new policy; a known one publishes its next version. The text is checked against the platform's Cedar schema: every problem is listed at once, at its line and column, and nothing is published.</p>
      <form method="post" action="/console/publish-policy" novalidate>
        <CsrfField token={context.session.csrf} />
        <TextField id="name" label="Name" hint="1 to 64 of a-z, 0-9, _ and -, starting with a letter." value={fields.name} maxLength={64} problems={problems} />
        <Field id="text" label="Cedar text" problems={problems} hint={<>For example <code>forbid(principal, action, resource == Tool::"pay_invoice") when {'{'} context.arguments.amount &gt; 500 {'}'};</code> Annotate a statement with <code>@requireApproval("group")</code> to ask a group instead of refusing.</>}>
          {(describedBy) => <textarea id="text" name="text" class="ll-code" rows={14} spellcheck={false} autocomplete="off" aria-describedby={describedBy}>{fields.text}</textarea>}
        </Field>
        <Choices id="mode" label="Mode" type="radio" choices={MODE_CHOICES} checked={[fields.mode]} problems={problems} />
        <div class="ll-actions">
          <button type="submit">Publish the policy</button>
          <a href="/console/policies">Cancel</a>
        </div>
      </form>
    </>
  ));
}

function isIssue(value: unknown): value is { message: string; help?: unknown; position?: { line?: unknown; column?: unknown } } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** policy.invalid's `details.issues`, each at its line and column, Cedar's help after it; any other refusal at its field. */
export function publishProblems(error: ApiError): Problem[] {
  const field = FIELD_OF[error.code];
  const issues = Array.isArray(error.details.issues) ? error.details.issues.filter(isIssue) : [];
  if (error.code !== 'policy.invalid' || issues.length === 0) return [{ field, message: error.message }];
  return issues.map((issue) => {
    const { line, column } = issue.position ?? {};
    const where = typeof line === 'number' && typeof column === 'number' ? `Line ${line}, column ${column}: ` : 'The policy: ';
    const help = typeof issue.help === 'string' && issue.help !== '' ? ` (${issue.help})` : '';
    return { field: 'text', message: `${where}${issue.message}${help}` };
  });
}

function fieldsOf(context: PageContext): PublishFields {
  const mode = formText(context.form, 'mode');
  return { name: formText(context.form, 'name'), text: formRaw(context.form, 'text'), mode: isPolicyMode(mode) ? mode : 'log-only' };
}

/** The form, empty (log-only) or from a published policy ("Publish a new version"). */
async function startPage(context: PageContext): Promise<PageResult> {
  if (!hasScope(context.session, POLICIES_ADMIN)) return adminOnly();
  const from = context.query.get('from');
  const policy = from === null ? undefined : (await listPolicies(context)).find((candidate) => candidate.name === from);
  return publishPage(context, policy ? { name: policy.name, text: policy.text, mode: policy.mode } : { name: '', text: '', mode: 'log-only' });
}

async function publish(context: PageContext): Promise<PageResult> {
  const fields = fieldsOf(context);
  const problems: Problem[] = [];
  if (fields.name === '') problems.push({ field: 'name', message: 'Name: enter the policy\'s name.' });
  if (fields.text.trim() === '') problems.push({ field: 'text', message: 'Cedar text: enter at least one statement.' });
  if (!isPolicyMode(formText(context.form, 'mode'))) problems.push({ field: 'mode', message: 'Mode: choose log-only or enforce.' });
  if (problems.length > 0) return publishPage(context, fields, problems);
  let result: PolicyChangeResult;
  try {
    result = await context.api.post<PolicyChangeResult>('/v1/policies', fields);
  } catch (error) {
    if (isFormRefusal(error)) return publishPage(context, fields, publishProblems(error));
    throw error;
  }
  return redirect(`${policyHref(result.name)}?notice=${result.changed ? 'published' : 'unchanged'}`);
}

export const publishRoutes: readonly ConsoleRoute[] = [
  { method: 'GET', path: '/publish-policy', handle: startPage },
  { method: 'POST', path: '/publish-policy', handle: publish },
];
