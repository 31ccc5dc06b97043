import { ApiError } from '../../api/console-api.js';
import { Inset, type Problem } from '../../pages/components.js';
import { FormHead, formValues, PostForm } from '../../pages/forms.js';
import { page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { DEAD_LETTERS, DeadLetterRows, deadLettersPage, readDeadLetters, REDRIVE, runKey, runRefOf } from './dead-letters.js';
import type { DeadLetter, RunRef } from './operations.types.js';

/** What a redrive names: every run waiting, or these (as `<tenantId>/<runId>` values). */
type Selection = { all: true } | { all: false; keys: readonly string[] };

const selectionOf = (all: boolean, values: readonly string[]): Selection => (all ? { all: true } : { all: false, keys: [...new Set(values)] });
const plural = (count: number): string => (count === 1 ? '1 run' : `${count} runs`);

function confirmPage(context: PageContext, chosen: readonly DeadLetter[], selection: Selection, left: readonly string[], problems: readonly Problem[] = []): PageResult {
  const title = selection.all ? `Redrive all ${plural(chosen.length)}?` : `Redrive ${plural(chosen.length)}?`;
  return page(title, (
    <>
      <FormHead problems={problems} back={{ href: DEAD_LETTERS, label: 'Back to the dead letters' }} title={title} />
      {left.length > 0 && (
        <Inset>Not in the dead letters any more (redriven already?), so left out: {left.join(', ')}.</Inset>
      )}
      <p>
        Each run goes back to work where it stopped, and the workers carry it on within a moment. If what made it fail is not fixed, it fails again and
        comes back here.{selection.all && ' Every run waiting when you confirm is redriven, any that arrived since this page was shown included.'}
      </p>
      <DeadLetterRows deadLetters={chosen} />
      <PostForm action={REDRIVE} csrf={context.session.csrf}>
        {selection.all ? <input type="hidden" name="all" value="1" /> : chosen.map((entry) => <input type="hidden" name="run" value={runKey(entry)} />)}
        <div class="ll-actions">
          <button type="submit" class="ll-warning">{selection.all ? `Redrive all ${plural(chosen.length)}` : `Redrive ${plural(chosen.length)}`}</button>
          <a href={DEAD_LETTERS}>Cancel</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 409 : undefined);
}

/**
 * The confirmation of what a redrive will do, from the dead letters as they are now; runs chosen
 * that have gone since are named and left out. Nothing to confirm: back to the list, saying why.
 */
async function confirmOrList(context: PageContext, selection: Selection, problems: readonly Problem[] = []): Promise<PageResult> {
  if (!selection.all && selection.keys.length === 0 && problems.length === 0) return deadLettersPage(context, [{ field: 'runs', message: 'Select the runs to redrive, or choose Redrive all.' }]);
  const read = await readDeadLetters(context);
  if (read.kind === 'unavailable' || !read.answer.kafka) return deadLettersPage(context, problems, new Set(), 409);
  const { deadLetters } = read.answer;
  const wanted = new Set(selection.all ? deadLetters.map(runKey) : selection.keys);
  const chosen = deadLetters.filter((entry) => wanted.has(runKey(entry)));
  const left = selection.all ? [] : selection.keys.filter((key) => !chosen.some((entry) => runKey(entry) === key));
  if (chosen.length > 0) return confirmPage(context, chosen, selection, left, problems);
  if (problems.length > 0) return deadLettersPage(context, problems, new Set(), 409);
  return deadLettersPage(context, [{ message: selection.all ? 'No run waits in the dead letters: there is nothing to redrive.' : `None of the runs chosen waits in the dead letters any more: ${left.join(', ')}.` }]);
}

export async function redriveConfirmPage(context: PageContext): Promise<PageResult> {
  return confirmOrList(context, selectionOf(context.query.get('all') === '1', context.query.getAll('run')));
}

export async function redrive(context: PageContext): Promise<PageResult> {
  const selection = selectionOf(formValues(context.form, 'all').includes('1'), formValues(context.form, 'run'));
  const runs = selection.all ? [] : selection.keys.map(runRefOf).filter((run): run is RunRef => run !== undefined);
  if (!selection.all && runs.length !== selection.keys.length) return confirmOrList(context, selection);
  let redriven: RunRef[];
  try {
    ({ redriven } = await context.api.post<{ redriven: RunRef[] }>('/v1/admin/dead-letters/redrive', selection.all ? { all: true } : { runs }));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'operations.dead_letters.not_found') {
      const gone = new Set((Array.isArray(error.details.runs) ? (error.details.runs as RunRef[]) : []).map(runKey));
      const problem = { message: `Not in the dead letters any more, so nothing was redriven: ${[...gone].join(', ')}. Confirm again to redrive the rest.` };
      return confirmOrList(context, selectionOf(false, runs.map(runKey).filter((key) => !gone.has(key))), [problem]);
    }
    if (error.code === 'operations.kafka.not_configured') return deadLettersPage(context, [{ message: 'This platform runs without Kafka: there are no dead letters, and nothing was redriven.' }], new Set(), 409);
    if (error.code === 'operations.kafka.unavailable') return deadLettersPage(context, [{ message: 'Kafka did not answer, so nothing was redriven. Try again in a moment.' }], new Set(runs.map(runKey)), 503);
    if (error.status === 400) return deadLettersPage(context, [{ message: error.message }], new Set(runs.map(runKey)));
    throw error;
  }
  return redirect(`${DEAD_LETTERS}?${new URLSearchParams({ notice: 'redriven', count: String(redriven.length) })}`);
}
