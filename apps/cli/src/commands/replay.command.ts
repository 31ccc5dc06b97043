import { IllegalStateError, ValidationError } from '#core';
import { assertTenantId } from '#event-store';
import { ViewRebuild, type Projection, type ViewRebuildResult } from '#projections';
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
      for (const [index, projection] of projections.entries()) {
        const started = performance.now();
        const progress = progressOf(io, projection.name);
        const result = await new ViewRebuild(store, views, projection, {
          tenantId: options.tenant,
          restart: options.restart,
          signal: interrupt.signal,
          onProgress: (position, head, events) => progress.update(position, head, events),
        }).run().finally(() => progress.stop());
        if (result.outcome === 'interrupted') throw interrupted(result, projections.slice(index), options);
        report(io, result, (performance.now() - started) / 1000, options.json);
      }
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function report(io: CliIo, result: ViewRebuildResult, seconds: number, json: boolean | undefined): void {
  const eventsPerSec = Math.round(result.eventsApplied / Math.max(seconds, 0.001));
  if (json) {
    const output = { projection: result.projection, tenant: result.tenantId ?? null, events: result.eventsApplied, seconds: Number(seconds.toFixed(3)), eventsPerSec, switchedAt: result.position, resumedFrom: result.resumedFrom };
    io.stdout.write(`${JSON.stringify(output)}\n`);
  } else {
    io.stdout.write(`${result.projection}: switched in at position ${result.position} (${result.eventsApplied} events in ${seconds.toFixed(1)} s, ${eventsPerSec} events/s${result.resumedFrom > 0 ? `, resumed from ${result.resumedFrom}` : ''})\n`);
  }
}

/** The views not switched in yet, and the command that goes on with them: the interrupted one resumes from its checkpoint. */
function interrupted(result: ViewRebuildResult, rest: readonly Projection[], options: ReplayOptions): IllegalStateError {
  const again = ['ledgerline replay', ...rest.map((projection) => `--projection ${projection.name}`), ...(options.tenant ? [`--tenant ${options.tenant}`] : [])].join(' ');
  return new IllegalStateError(
    'cli.replay.interrupted',
    `interrupted: ${result.projection} stopped at position ${result.position} with its progress saved, the live view unchanged; to resume, run: ${again}`,
    { projection: result.projection, position: result.position, resume: again },
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
