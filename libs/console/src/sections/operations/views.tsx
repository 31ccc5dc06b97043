import type { VNode } from 'preact';
import { Empty, TableRegion, Time } from '../../pages/components.js';
import type { PageContext, PageResult } from '../../pages/page.js';
import { livePage } from '../../pages/live-region.js';
import { OperationsHead } from './operations-nav.js';
import type { ProjectionStatus, ProjectionsAnswer, Replay } from './operations.types.js';

/** A replay at work moves `updatedAt` every batch: a minute without one, and it has likely stopped. */
export const REPLAY_SILENCE_MS = 60_000;

export function looksInterrupted(replay: Replay, now: number): boolean {
  return replay.updatedAt === null || now - Date.parse(replay.updatedAt) > REPLAY_SILENCE_MS;
}

function VersionCell({ view }: { view: ProjectionStatus }): VNode {
  if (view.storedVersion === null) return <td>v{view.version}<br /><span class="ll-small ll-muted">not built yet</span></td>;
  if (view.storedVersion !== view.version) return <td>v{view.version}<br /><span class="ll-small">built as v{view.storedVersion}: rebuilt at the next start of a process that applies it</span></td>;
  return <td>v{view.version}</td>;
}

function RebuildCell({ view, now }: { view: ProjectionStatus; now: number }): VNode {
  const { replay } = view;
  if (!replay) return <td><span class="ll-muted">–</span></td>;
  const percent = Math.floor(replay.progress * 100);
  return (
    <td>
      <progress class="ll-progress" max={1} value={replay.progress} aria-label={`Rebuild of ${view.name}`}>{percent} %</progress> {percent} %
      <br /><span class="ll-small">position {replay.position} of {replay.target}, generation {replay.generation}{replay.tenantId !== null && `, tenant ${replay.tenantId} only`}</span>
      <br /><span class="ll-small">last batch <Time at={replay.updatedAt} /></span>
      {looksInterrupted(replay, now) && (
        <><br /><strong class="ll-error-text">interrupted?</strong> <span class="ll-small">No batch for over a minute: run <code>ledgerline replay</code> again to resume it.</span></>
      )}
    </td>
  );
}

function ViewsTable({ answer, now }: { answer: ProjectionsAnswer; now: number }): VNode {
  if (answer.projections.length === 0) return <Empty>This process applies no view.</Empty>;
  const behind = answer.projections.filter((view) => view.lag > 0).length;
  const rebuilding = answer.projections.filter((view) => view.replay !== null).length;
  return (
    <>
      <p>
        The log's head is at position {answer.head}.{' '}
        {behind === 0 ? `All ${answer.projections.length} views hold every event.` : `${behind} of ${answer.projections.length} views are behind.`}
        {rebuilding > 0 && ` ${rebuilding === 1 ? 'One view is' : `${rebuilding} views are`} being rebuilt.`}
      </p>
      <TableRegion label="Views">
        <table>
          <caption class="ll-visually-hidden">Views by name, with their lag behind the log's head</caption>
          <thead><tr><th scope="col">View</th><th scope="col">Version</th><th scope="col">Holds the log up to</th><th scope="col">Lag (events)</th><th scope="col">Online rebuild</th></tr></thead>
          <tbody>
            {answer.projections.map((view) => (
              <tr>
                <td class="ll-strong">{view.name}</td>
                <VersionCell view={view} />
                <td>{view.checkpoint ?? '–'}{view.partitions && <><br /><span class="ll-small ll-muted">lowest of {view.partitions.length} Kafka partitions</span></>}</td>
                <td>{view.lag === 0 ? '0' : <span class="ll-strong">{view.lag}</span>}</td>
                <RebuildCell view={view} now={now} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}

export async function viewsPage(context: PageContext): Promise<PageResult> {
  const answer = await context.api.get<ProjectionsAnswer>('/v1/admin/projections');
  return livePage(context, {
    id: 'views-live',
    title: 'Views',
    head: <OperationsHead current="views">What each read model holds of the event log, and the progress of an online rebuild (<code>ledgerline replay</code>). The page follows them every two seconds.</OperationsHead>,
    content: <ViewsTable answer={answer} now={Date.now()} />,
  });
}
