// Types for the TypeScript tests of the SLO rules.
export interface LatencyObjective { objectivePercent: number; thresholdMs: number }
export interface ToolObjectives { availability: { objectivePercent: number }; latency: LatencyObjective }
export interface Slos {
  outcomes: { caller: string[]; platform: string[] };
  default: ToolObjectives;
  tools: Record<string, ToolObjectives>;
}
export class SloFileError extends Error {}
export const SLOS_FILE: string;
export const RULES_FILE: string;
export const BUCKETS_MS: number[];
export const BURN_RATE_ALERTS: Array<{ severity: 'page' | 'ticket'; factor: number; long: string; short: string }>;
/** Checks slos.json's content; throws SloFileError naming the field. */
export function parseSlos(json: unknown): Slos;
/** The text of slo.rules.yml for slos.json's content. */
export function generateRules(json: unknown): string;
