import { IllegalStateError, ValidationError } from '#core';
import { assertTenantId } from '#event-store';
import { ViewsRebuild, type Projection, type ViewRebuildResult } from '#projections';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { ALL_PROJECTIONS } from '../projections.js';
import { withStores } from '../stores.js';

/** How often a progress line is written when stderr is not a terminal. */
const PROGRESS_LINE_MS = 5000;

interface ReplayOptions {
  projection: string[];
  all?: boolean;
  tenant?: string;
  restart?: boolean;
  json?: boolean;
}

/** `ledgerline replay`: rebuilds views from the log without downtime (see ViewRebuild), beside a running platform or alone. */
export function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description('rebuild views from the event log online: reads keep answering from the old view until the new one is switched in')
    .option('--projection <name>', `a view to rebuild, repeatable (${ALL_PROJECTIONS.map((p) => p.name).join(', ')})`, (name: string, names: string[]) => [...names, name], [])
    .option('--all', 'every view')
    .option('--tenant <id>', "rebuild only this tenant's rows")
    .option('--restart', 'drop an unfinished rebuild and start from the beginning instead of resuming it')
    .option('--json', 'print one JSON result per view')
    .action((options: ReplayOptions) => replay(chosenProjections(options), options, io));
}

function chosenProjections(options: ReplayOptions): Projection[] {
  const known = ALL_PROJECTIONS.map((projection) => projection.name).join(', ');
  if (Boolean(options.all) === options.projection.length > 0) throw new ValidationError('cli.replay.what', `name the views with --projection <name> or pass --all (not both); views: ${known}`);
  if (options.tenant !== undefined) assertTenantId(options.tenant);
  if (options.all) return [...ALL_PROJECTIONS];
  return [...new Set(options.projection)].map((name) => {
    const projection = ALL_PROJECTIONS.find((candidate) => candidate.name === name);
    if (!projection) throw new ValidationError('cli.replay.unknown_projection', `unknown projection ${name}; views: ${known}`, { projection: name });
    return projection;
  });
}

async function replay(projections: readonly Projection[], options: ReplayOptions, io: CliIo): Promise<void> {
  const interrupt = new AbortController();
  const onInterrupt = (): void => {
    if (interrupt.signal.aborted) return;
    interrupt.abort();
    io.stderr.write('\nstopping after the current batch…\n');
  };
  process.on('SIGINT', onInterrupt);
  try {
    await withStores(io, async ({ store, views }) => {
      // Every view in one pass over the log (ViewsRebuild): the log is read and parsed once, not once per view.
      const started = performance.now();
      const progress = progressOf(io, projections.length === 1 ? projections[0]!.name : `${projections.length} views`);
      const rebuilt = await new ViewsRebuild(store, views, projections, {
        tenantId: options.tenant,
        restart: options.restart,
        signal: interrupt.signal,
        onProgress: (position, head, events) => progress.update(position, head, events),
      }).run().finally(() => progress.stop());
      const seconds = (performance.now() - started) / 1000;
      for (const result of rebuilt.views) if (result.outcome === 'switched') report(io, result, seconds, options.json);
      const stopped = rebuilt.views.filter((result) => result.outcome === 'interrupted');
      if (stopped.length > 0) throw interrupted(stopped, options);
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The views rebuilt in one pass share its time: `seconds` and events/s are the pass's, `events` the view's own. */
function report(io: CliIo, result: ViewRebuildResult, seconds: number, json: boolean | undefined): void {
  const eventsPerSec = Math.round(result.eventsApplied / Math.max(seconds, 0.001));
  if (json) {
    const output = { projection: result.projection, tenant: result.tenantId ?? null, events: result.eventsApplied, seconds: Number(seconds.toFixed(3)), eventsPerSec, switchedAt: result.position, resumedFrom: result.resumedFrom };
    io.stdout.write(`${JSON.stringify(output)}\n`);
  } else {
    io.stdout.write(`${result.projection}: switched in at position ${result.position} (${result.eventsApplied} events in ${seconds.toFixed(1)} s, ${eventsPerSec} events/s${result.resumedFrom > 0 ? `, resumed from ${result.resumedFrom}` : ''})\n`);
  }
}

/** The views not switched in yet, and the command that goes on with them: each resumes from its own checkpoint. */
function interrupted(stopped: readonly ViewRebuildResult[], options: ReplayOptions): IllegalStateError {
  const again = ['ledgerline replay', ...stopped.map((result) => `--projection ${result.projection}`), ...(options.tenant ? [`--tenant ${options.tenant}`] : [])].join(' ');
  const where = stopped.map((result, index) => `${result.projection}${index === 0 ? ' stopped at position' : ' at'} ${result.position}`).join(', ');
  const [first] = stopped;
  return new IllegalStateError(
    'cli.replay.interrupted',
    `interrupted: ${where} with ${stopped.length === 1 ? 'its' : 'their'} progress saved, the live ${stopped.length === 1 ? 'view' : 'views'} unchanged; to resume, run: ${again}`,
    { projection: first!.projection, position: first!.position, resume: again },
  );
}

interface ProgressView {
  update(position: number, head: number, events: number): void;
  stop(): void;
}

/** A bar on a terminal (cli-progress); elsewhere a line every few seconds, for logs. */
function progressOf(io: CliIo, name: string): ProgressView {
  const stream = io.stderr as NodeJS.WriteStream;
  const started = performance.now();
  const rate = (events: number): number => Math.round(events / Math.max((performance.now() - started) / 1000, 0.001));
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: `${name} [{bar}] {value}/{total} | {rate} events/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 20 }, Presets.shades_classic);
    let shown = false;
    return {
      update(position, head, events) {
        if (!shown) bar.start(head, position, { rate: 0 });
        shown = true;
        bar.setTotal(Math.max(head, position));
        bar.update(position, { rate: rate(events) });
      },
      stop: () => (shown ? bar.stop() : undefined),
    };
  }
  let lastLine = started;
  let first: { position: number; at: number } | undefined;
  return {
    update(position, head, events) {
      const now = performance.now();
      first ??= { position, at: now };
      if (now - lastLine < PROGRESS_LINE_MS) return;
      lastLine = now;
      const perMs = (position - first.position) / Math.max(now - first.at, 1);
      const eta = perMs > 0 ? `${Math.ceil((head - position) / perMs / 1000)} s` : 'unknown';
      io.stderr.write(`replay ${name}: position ${position}/${head}, ${rate(events)} events/s, ETA ${eta}\n`);
    },
    stop: () => undefined,
  };
}
