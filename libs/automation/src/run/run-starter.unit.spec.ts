import { describe, expect, it } from '@jest/globals';
import type { RunStarted } from './run.events.js';
import { evolveRun, initialRunState, type StoredRunEvent } from './run.state.js';
import { actingFor, runStarterOf } from './run-starter.js';

const started: RunStarted = {
  type: 'RunStarted',
  data: { runId: 'run-1', automation: 'pay', version: 1, input: {}, startedBy: 'alice', startedAt: 0, deadlineAt: 1e13, stepIds: ['pay'], secretPins: {} },
};
const startMetadata = { userId: 'alice', clientId: 'claude', grantId: 'grant-7', scopes: ['automation:pay', 'runs:read'], correlationId: 'c-1' };

describe('the run starter', () => {
  it('is folded from the metadata RunStarted was stored with', () => {
    const state = evolveRun(initialRunState(), { ...started, metadata: startMetadata } satisfies StoredRunEvent);
    expect(state).toMatchObject({ startedBy: 'alice', starter: { clientId: 'claude', grantId: 'grant-7', scopes: ['automation:pay', 'runs:read'] } });
  });

  it('has no grant when the starting call had none, and is null when no client is recorded', () => {
    expect(runStarterOf({ userId: 'alice', clientId: 'claude', scopes: [] })).toEqual({ clientId: 'claude', scopes: [] });
    expect(runStarterOf({ userId: 'alice' })).toBeNull();
    expect(runStarterOf(undefined)).toBeNull();
    expect(evolveRun(initialRunState(), started)).toMatchObject({ starter: null });
  });

  it('is whom each call of the run acts for, at its step; nobody when it is unknown', () => {
    const state = evolveRun(initialRunState(), { ...started, metadata: startMetadata });
    if (state.status === 'none') throw new Error('the run did not start');
    expect(actingFor('acme', state, 'pay')).toEqual({
      tenantId: 'acme', userId: 'alice', clientId: 'claude', grantId: 'grant-7', scopes: ['automation:pay', 'runs:read'], runId: 'run-1', stepId: 'pay',
    });
    expect(actingFor('acme', { ...state, starter: null }, 'pay')).toBeUndefined();
  });
});
