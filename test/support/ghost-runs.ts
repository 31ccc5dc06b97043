import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '#event-store';
import type { FixtureServer } from './fixture-server.js';
import { callOk } from './mcp-session.js';

/**
 * Runs the scale-out workers cannot carry forward: started for an automation version that is not
 * (yet) in the log, every attempt fails and they are dead-lettered ("ghost v1 is missing"). Once
 * the ghost is published, a redriven one completes with one POST /ghost to the fixture.
 */
export async function registerShop(admin: Client, fixture: FixtureServer): Promise<void> {
  await callOk(admin, 'connector_register', { name: 'shop', config: { baseUrl: fixture.url, allowedHosts: [new URL(fixture.url).host] } });
}

/** Appends the start of a ghost run straight to the log (no tool would start it) and returns its id. */
export async function startGhostRun(store: EventStore, tenantId: string): Promise<string> {
  const runId = `run-${uuidv7()}`;
  const now = Date.now();
  await store.append(tenantId, runId, 'no-stream', [{
    type: 'RunStarted',
    data: { runId, automation: 'ghost', version: 1, input: {}, startedBy: 'root', startedAt: now, deadlineAt: now + 3_600_000, stepIds: ['call'], secretPins: { shop: 0 } },
  }]);
  return runId;
}

export async function publishGhost(admin: Client): Promise<void> {
  await callOk(admin, 'automation_publish', { definition: {
    name: 'ghost', title: 'Ghost', description: 'Published late.', inputSchema: { type: 'object' },
    steps: [{ id: 'call', type: 'call', connector: 'shop', request: { method: 'POST', path: '/ghost' } }],
  } });
}
