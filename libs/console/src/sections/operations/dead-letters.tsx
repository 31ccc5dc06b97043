import type { VNode } from 'preact';
import { RUN_ID_PATTERN } from '#automation';
import { TENANT_ID } from '#tenants';
import { Empty, ErrorSummary, NextPage, Notice, TableRegion, Time, type Problem } from '../../pages/components.js';
import { page, type PageContext, type PageResult } from '../../pages/page.js';
import { KafkaUnavailable, NoKafka, readKafka, type KafkaRead } from './kafka-state.js';
import { OPERATIONS, OperationsHead } from './operations-nav.js';
import type { DeadLetter, DeadLettersAnswer, RunRef } from './operations.types.js';

export const DEAD_LETTERS = `${OPERATIONS}/dead-letters`;
export const REDRIVE = `${DEAD_LETTERS}/redrive`;
/** Few enough that a page's selection is always one form the console accepts (it takes 100 fields at most). */
export const DEAD_LETTERS_PAGE_SIZE = 50;
const RUN_ID = new RegExp(RUN_ID_PATTERN);

/** A run as a form value: `<tenantId>/<runId>` (a tenant id has no slash). */
export const runKey = (run: RunRef): string => `${run.tenantId}/${run.runId}`;

export function runRefOf(value: string): RunRef | undefined {
  const slash = value.indexOf('/');
  const run = { tenantId: value.slice(0, slash), runId: value.slice(slash + 1) };
  return slash > 0 && TENANT_ID.test(run.tenantId) && RUN_ID.test(run.runId) ? run : undefined;
}

export function readDeadLetters(context: PageContext): Promise<KafkaRead<DeadLettersAnswer>> {
  return readKafka<DeadLettersAnswer>(context.api, '/v1/admin/dead-letters');
}

/** The dead letters of a redrive's confirmation and of the list: run, failures, why and when. */
export function DeadLetterRows({ deadLetters, select }: { deadLetters: readonly DeadLetter[]; select?: { checked: ReadonlySet<string> } }): VNode {
  return (
    <TableRegion label="Dead letters">
      <table>
        <caption class="ll-visually-hidden">Runs in the dead letters, oldest first</caption>
        <thead>
          <tr>{select && <th scope="col"><span class="ll-visually-hidden">Select</span></th>}<th scope="col">Tenant</th><th scope="col">Run</th><th scope="col">Failures</th><th scope="col">Last error</th><th scope="col">Dead-lettered</th></tr>
        </thead>
        <tbody>
          {deadLetters.map((entry, index) => {
            const id = index === 0 ? 'runs' : `runs-${index + 1}`;
            return (
              <tr>
                {select && (
                  <td>
                    <input type="checkbox" id={id} name="run" value={runKey(entry)} checked={select.checked.has(runKey(entry))} />
                    <label for={id} class="ll-visually-hidden">{`Select ${entry.runId} of ${entry.tenantId}`}</label>
                  </td>
                )}
                <td>{entry.tenantId}</td>
                <td><code class="ll-id ll-small">{entry.runId}</code></td>
                <td>{entry.failures}</td>
                <td class="ll-word">{entry.error}</td>
                <td><Time at={entry.at} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}

function noticeOf(query: URLSearchParams): string | undefined {
  if (query.get('notice') !== 'redriven') return undefined;
  const count = Number.parseInt(query.get('count') ?? '', 10);
  if (!Number.isInteger(count) || count < 0) return undefined;
  return count === 0 ? 'Nothing was redriven: no run was waiting.' : `Redriven: ${count === 1 ? 'the run is' : `${count} runs are`} back at work. A run that fails again comes back here.`;
}

function DeadLettersContent({ context, read, checked }: { context: PageContext; read: KafkaRead<DeadLettersAnswer>; checked: ReadonlySet<string> }): VNode {
  if (read.kind === 'unavailable') return <KafkaUnavailable message={read.message} />;
  const { kafka, deadLetters } = read.answer;
  if (!kafka) return <NoKafka>Runs are retried in process, so none is ever dead-lettered: there is nothing to redrive.</NoKafka>;
  if (deadLetters.length === 0) return <Empty>No run waits in the dead letters.</Empty>;
  const asked = Number.parseInt(context.query.get('from') ?? '', 10);
  const offset = asked > 0 && asked < deadLetters.length ? asked : 0;
  const shown = deadLetters.slice(offset, offset + DEAD_LETTERS_PAGE_SIZE);
  return (
    <>
      <p>{deadLetters.length === 1 ? 'One run waits' : `${deadLetters.length} runs wait`} in the dead letters{deadLetters.length > shown.length && `; runs ${offset + 1} to ${offset + shown.length} are shown`}.</p>
      <form method="get" action={REDRIVE}>
        <DeadLetterRows deadLetters={shown} select={{ checked }} />
        <div class="ll-actions">
          <button type="submit">Redrive the selected runs</button>
          <button type="submit" name="all" value="1" class="ll-secondary">Redrive all {deadLetters.length}</button>
        </div>
      </form>
      <NextPage url={context.url} cursor={offset + DEAD_LETTERS_PAGE_SIZE < deadLetters.length ? offset + DEAD_LETTERS_PAGE_SIZE : null} name="from" />
    </>
  );
}

/** The list, with what was wrong with a redrive and the runs it named still ticked. */
export async function deadLettersPage(context: PageContext, problems: readonly Problem[] = [], checked: ReadonlySet<string> = new Set(), status?: number): Promise<PageResult> {
  const read = await readDeadLetters(context);
  return page('Dead letters', (
    <>
      <ErrorSummary problems={problems} />
      <Notice text={noticeOf(context.query)} />
      <OperationsHead current="dead-letters">Runs the scale-out workers stopped retrying, oldest first. Fix what made them fail (publish the missing version, mend the connector), then put them back to work.</OperationsHead>
      <p><a href={DEAD_LETTERS}>Refresh the list</a></p>
      <DeadLettersContent context={context} read={read} checked={checked} />
    </>
  ), problems.length > 0 ? status ?? 400 : undefined);
}
