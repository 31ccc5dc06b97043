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

/** Sources of projection lag, registered by the processes that hold projectors. */
const lagSources = new Set<() => Promise<Array<{ projection: string; lag: number }>>>();

export const projectionLag = new Gauge({
  name: 'ledgerline_projection_lag_events',
  help: 'How far each view is behind the last committed event of the log (global positions)',
  labelNames: ['projection'] as const,
  registers: [METRICS_REGISTRY],
  async collect() {
    this.reset();
    for (const source of lagSources) {
      for (const { projection, lag } of await source().catch(() => [])) this.set({ projection }, lag);
    }
  },
});

/** Sources of consumer-group lag, registered by the processes that consume Kafka. */
const consumerLagSources = new Set<() => Promise<Array<{ group: string; topic: string; lag: number }>>>();

export const consumerLag = new Gauge({
  name: 'ledgerline_consumer_lag_messages',
  help: 'Messages of a Kafka topic its consumer group has not committed yet (all partitions)',
  labelNames: ['group', 'topic'] as const,
  registers: [METRICS_REGISTRY],
  async collect() {
    this.reset();
    for (const source of consumerLagSources) {
      for (const { group, topic, lag } of await source().catch(() => [])) this.set({ group, topic }, lag);
    }
  },
});

/** Adds a source of consumer-group lag to every scrape; returns its removal. */
export function reportConsumerLag(source: () => Promise<Array<{ group: string; topic: string; lag: number }>>): () => void {
  consumerLagSources.add(source);
  return () => consumerLagSources.delete(source);
}

/** Adds a source of projection lag to every scrape; returns its removal. */
export function reportProjectionLag(source: () => Promise<Array<{ projection: string; lag: number }>>): () => void {
  lagSources.add(source);
  return () => lagSources.delete(source);
}

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
