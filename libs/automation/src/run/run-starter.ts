import type { OnBehalfOfContext } from '#connectors';
import type { JsonObject } from '#core';

/**
 * The call that started a run, beyond its user (RunStarted's `startedBy`): through which client,
 * under which grant and scopes. The start's event metadata records it (every command's metadata
 * does), so runs started before connector calls needed it have it too.
 */
export interface RunStarter {
  clientId: string;
  grantId?: string;
  scopes: string[];
}

/** The starter in RunStarted's metadata; null when it names no client (an event appended by hand, or without its envelope). */
export function runStarterOf(metadata: JsonObject | undefined): RunStarter | null {
  const clientId = metadata?.['clientId'];
  if (typeof clientId !== 'string' || clientId === '') return null;
  const grantId = metadata?.['grantId'];
  const scopes = metadata?.['scopes'];
  return {
    clientId,
    ...(typeof grantId === 'string' && { grantId }),
    scopes: Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [],
  };
}

/** Whom a run's connector call acts for: the run's starter (never the saga), at this step; undefined when the start recorded no client. */
export function actingFor(tenantId: string, run: { runId: string; startedBy: string; starter: RunStarter | null }, stepId: string): OnBehalfOfContext | undefined {
  if (!run.starter) return undefined;
  const { clientId, grantId, scopes } = run.starter;
  return { tenantId, userId: run.startedBy, clientId, ...(grantId !== undefined && { grantId }), scopes, runId: run.runId, stepId };
}
