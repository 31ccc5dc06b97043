import { describe, expect, it } from '@jest/globals';
import { ConnectorCallError, OnBehalfOfUnavailableError } from '#connectors';
import { DEFAULT_RETRY_POLICY } from '../../definition/index.js';
import { callOutcomeEvents } from './call-outcome.js';
import type { CallAction } from './next-run-action.js';

const action: CallAction = {
  kind: 'call', purpose: 'step', stepId: 'pay', attempt: 1, firstAttemptAt: 0, connector: 'billing',
  request: { method: 'POST', path: '/pay' }, idempotencyKey: 'run-1:pay', retry: DEFAULT_RETRY_POLICY,
};
const onBehalfOf = { userId: 'alice', clientId: 'claude', grantId: 'grant-7', audience: 'https://billing.example.com', jti: 'j-1' };
const response = { status: 200, headers: {}, body: { ok: true }, durationMs: 3 };
const never = (): number => 0;

describe('callOutcomeEvents, on whose behalf', () => {
  it('records the assertion a successful call carried, beside the call', () => {
    const [event] = callOutcomeEvents(action, { ok: true, response, onBehalfOf }, 0, never);
    expect(event).toEqual({ type: 'StepSucceeded', data: expect.objectContaining({ connectorCall: expect.objectContaining({ ok: true }), onBehalfOf }) });
  });

  it('records it on a failed attempt too, and on a compensation', () => {
    const error = new ConnectorCallError({ code: 'connector.http_5xx', message: 'answered 503', errorClass: 'server', target: { method: 'POST', host: 'billing.example.com', path: '/pay' }, status: 503 });
    expect(callOutcomeEvents(action, { ok: false, error, onBehalfOf }, 0, never)[0]?.data).toMatchObject({ code: 'connector.http_5xx', onBehalfOf });
    expect(callOutcomeEvents({ ...action, purpose: 'compensation' }, { ok: true, response, onBehalfOf }, 0, never)[0]).toMatchObject({ type: 'CompensationSucceeded', data: { onBehalfOf } });
  });

  it('records none when no assertion was made, and a missing signer fails the run at once, as refused', () => {
    expect(callOutcomeEvents(action, { ok: true, response }, 0, never)[0]?.data).not.toHaveProperty('onBehalfOf');
    const events = callOutcomeEvents(action, { ok: false, error: new OnBehalfOfUnavailableError('billing') }, 0, never);
    expect(events).toEqual([
      { type: 'StepFailed', data: { stepId: 'pay', attempt: 1, errorClass: 'refused', code: 'connector.on_behalf_of.unavailable', message: expect.any(String), status: null, retryAt: null } },
      { type: 'RunFailed', data: expect.objectContaining({ reason: 'step.not_retryable', stepId: 'pay' }) },
    ]);
  });
});
