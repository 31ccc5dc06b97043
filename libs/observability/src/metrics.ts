import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics. One registry per process, created once with the module (a
 * second Nest app in the same process, as integration tests make, shares it instead of
 * registering the names twice). Labels are bounded sets (tool names, outcomes, projection names):
 * never a tenant, user or token.
 */
export const METRICS_REGISTRY = new Registry();
collectDefaultMetrics({ register: METRICS_REGISTRY, prefix: 'ledgerline_' });

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const toolCallDuration = new Histogram({
  name: 'ledgerline_tool_call_duration_seconds',
  help: 'MCP tool calls from arrival at the invoker to the result, by tool and outcome (ok, or the error kind)',
  labelNames: ['tool', 'outcome'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [METRICS_REGISTRY],
});

export const rateLimitRejections = new Counter({
  name: 'ledgerline_rate_limit_rejections_total',
  help: 'Calls refused by a tenant x tool rate limit',
  labelNames: ['tool'] as const,
  registers: [METRICS_REGISTRY],
});

export const appendDuration = new Histogram({
  name: 'ledgerline_event_append_duration_seconds',
  help: 'EventStore.append, from call to acknowledgement (durable), by outcome',
  labelNames: ['outcome'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [METRICS_REGISTRY],
});

export const sagaStepOutcomes = new Counter({
  name: 'ledgerline_saga_step_outcomes_total',
  help: 'Connector calls of runs by outcome: succeeded, retry (failed, another attempt scheduled), failed (gave up)',
  labelNames: ['purpose', 'outcome'] as const,
  registers: [METRICS_REGISTRY],
});

/** One lag figure of a scrape: its labels and the value. */
export type LagSample<L extends string> = Record<L, string> & { lag: number };

/**
 * A gauge whose values are asked for at scrape time from the sources processes register (the
 * processes that hold projectors, or consume Kafka); returns the function that registers one and
 * gives its removal. A failing source leaves its samples out of that scrape.
 */
function sampledGauge<L extends string>(name: string, help: string, labelNames: readonly L[]): (source: () => Promise<Array<LagSample<L>>>) => () => void {
  const sources = new Set<() => Promise<Array<LagSample<L>>>>();
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [METRICS_REGISTRY],
    async collect() {
      this.reset();
      for (const source of sources) {
        for (const { lag, ...labels } of await source().catch(() => [])) this.set(labels as unknown as Partial<Record<L, string>>, lag);
      }
    },
  });
  return (source) => {
    sources.add(source);
    return () => sources.delete(source);
  };
}

/** Adds a source of projection lag (ledgerline_projection_lag_events) to every scrape; returns its removal. */
export const reportProjectionLag = sampledGauge('ledgerline_projection_lag_events', 'How far each view is behind the last committed event of the log (global positions)', ['projection']);

/** Adds a source of consumer-group lag (ledgerline_consumer_lag_messages) to every scrape; returns its removal. */
export const reportConsumerLag = sampledGauge('ledgerline_consumer_lag_messages', 'Messages of a Kafka topic its consumer group has not committed yet (all partitions)', ['group', 'topic']);

/** Times `work` into `histogram` with the outcome `ok` or the one `outcomeOf` names for its error. */
export async function timed<T, L extends string>(histogram: Histogram<L>, labels: Partial<Record<L, string>>, work: () => Promise<T>, outcomeOf: (error: unknown) => string = () => 'error'): Promise<T> {
  const end = histogram.startTimer(labels);
  try {
    const result = await work();
    end({ outcome: 'ok' } as Partial<Record<L, string>>);
    return result;
  } catch (error) {
    end({ outcome: outcomeOf(error) } as Partial<Record<L, string>>);
    throw error;
  }
}
