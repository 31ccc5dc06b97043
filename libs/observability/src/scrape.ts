import { timingSafeEqual } from 'node:crypto';
import { METRICS_REGISTRY } from './metrics.js';

/** Whether a scrape may read the metrics: always without a token, else only with `Bearer <token>` (compared in constant time). */
export function mayScrape(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The scrape in Prometheus' text format, with its content type. */
export async function scrapeMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: METRICS_REGISTRY.contentType, body: await METRICS_REGISTRY.metrics() };
}
