import type { ApiError } from '../api/console-api.js';
import { CsrfField, ErrorSummary, Field, Inset, type Problem } from '../pages/components.js';
import { page, redirect, type ConsoleRoute, type PageContext, type PageResult } from '../pages/page.js';
import { automationView, versionParam } from './automation-view.js';
import type { PublishResult } from './automations.types.js';
import { formRaw, isFormRefusal } from './form-refusal.js';
import { parseJsonText } from './json-text.js';

const FIELD = 'definition';

function publishPage(context: PageContext, text: string, problems: readonly Problem[] = [], inset?: string): PageResult {
  return page('Publish an automation', (
    <>
      <ErrorSummary problems={problems} />
      <p><a href="/console/automations">Back to automations</a></p>
      <h1>Publish an automation</h1>
      <p class="ll-lede">The definition's <code>name</code> says which automation: a new name makes a new automation, a known one its next version. A definition the same as the latest version publishes nothing.</p>
      {inset && <Inset>{inset}</Inset>}
      <form method="post" action="/console/publish-automation" novalidate>
        <CsrfField token={context.session.csrf} />
        <Field id={FIELD} label="Definition (JSON)" problems={problems} hint={<>An object with <code>name</code>, <code>title</code>, <code>description</code>, <code>inputSchema</code>, <code>steps</code> and, if you like, <code>timeoutSeconds</code>. Every problem the platform finds is listed at once.</>}>
          {(describedBy) => <textarea id={FIELD} name={FIELD} class="ll-code" rows={24} spellcheck={false} autocomplete="off" aria-describedby={describedBy}>{text}</textarea>}
        </Field>
        <div class="ll-actions">
          <button type="submit">Publish</button>
          <a href="/console/automations">Cancel</a>
        </div>
      </form>
    </>
  ));
}

/** A refused definition, issue by issue: `details.issues` of automation.invalid, each at its path. */
function problemsOf(error: ApiError): Problem[] {
  const issues = error.problems;
  if (issues.length === 0) return [{ field: FIELD, message: error.message }];
  return issues.map((issue) => ({ field: FIELD, message: `${issue.path ? issue.path : 'The definition'}: ${issue.message}` }));
}

/** The form, empty or from a published version ("Publish a new version from this one"). */
async function startPage(context: PageContext): Promise<PageResult> {
  const from = context.query.get('from');
  if (from === null) return publishPage(context, '');
  const version = versionParam(context.query);
  const view = await automationView(context.api, from, version === 'invalid' ? undefined : version);
  if (view.kind === 'details') return publishPage(context, JSON.stringify(view.details.definition, null, 2));
  const why = view.kind === 'missing' ? `There is no automation named ${from} to start from` : 'This platform does not give an automation\'s definition yet';
  return publishPage(context, '', [], `${why}: paste the whole definition.`);
}

async function publish(context: PageContext): Promise<PageResult> {
  const text = formRaw(context.form, FIELD);
  if (text.trim() === '') return publishPage(context, text, [{ field: FIELD, message: 'Enter the automation\'s definition as JSON.' }]);
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    return publishPage(context, text, [{ field: FIELD, message: `The definition is not valid JSON: line ${parsed.line}, column ${parsed.column}: ${parsed.reason}.` }]);
  }
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return publishPage(context, text, [{ field: FIELD, message: 'The definition must be a JSON object, in { }.' }]);
  }
  let result: PublishResult;
  try {
    result = await context.api.post<PublishResult>('/v1/automations', { definition: parsed.value });
  } catch (error) {
    if (isFormRefusal(error)) return publishPage(context, text, problemsOf(error));
    throw error;
  }
  return redirect(`/console/automations/${encodeURIComponent(result.name)}?version=${result.version}&notice=${result.changed ? 'published' : 'unchanged'}`);
}

export const publishRoutes: readonly ConsoleRoute[] = [
  { method: 'GET', path: '/publish-automation', handle: startPage },
  { method: 'POST', path: '/publish-automation', handle: publish },
];
