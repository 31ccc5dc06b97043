import { describe, expect, it } from '@jest/globals';
import { SEALED, shownEventData } from './shown-event-data.js';

const sealedSecret = { v: 1, keyId: 'k1', iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'c2VjcmV0', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' };
const sealed = { $sealed: sealedSecret };

describe('run event data as a timeline shows it', () => {
  it('shows sealed personal data as a marker, wherever it is, and nothing of its ciphertext', () => {
    const shown = shownEventData('StepSucceeded', { stepId: 'pay', attempt: 1, output: sealed, connectorCall: { connector: 'erp', ok: true, status: 200, errorClass: null } });
    expect(shown).toEqual({ stepId: 'pay', attempt: 1, output: SEALED, connectorCall: { connector: 'erp', ok: true, status: 200, errorClass: null } });
    expect(shownEventData('RunCompleted', { outputs: sealed })).toEqual({ outputs: SEALED });
    expect(shownEventData('Custom', { list: [1, sealed, { deep: sealed }] })).toEqual({ list: [1, SEALED, { deep: SEALED }] });
    expect(JSON.stringify(shownEventData('ApprovalRequested', { approvalId: 'a', prompt: sealed }))).not.toContain('c2VjcmV0');
  });

  it('hides anything shaped like sealed data, even a little off the shape', () => {
    expect(shownEventData('X', { secret: sealedSecret, odd: { $sealed: 'not an object' } })).toEqual({ secret: SEALED, odd: SEALED });
  });

  it("never shows the run's input, sealed or (in older events) plain", () => {
    expect(shownEventData('RunStarted', { runId: 'r', input: sealed, stepIds: ['a'] })).toEqual({ runId: 'r', input: SEALED, stepIds: ['a'] });
    expect(shownEventData('RunStarted', { runId: 'r', input: { iban: 'DE00' }, stepIds: [] })).toEqual({ runId: 'r', input: SEALED, stepIds: [] });
  });

  it("never shows a final event's shadow comparison: it is the shadow report's", () => {
    const shadow = { runId: 'r', automation: 'a', liveVersion: 1, shadowVersion: 2, requestsIdentical: false, sameSequence: true, calls: [] };
    expect(shownEventData('RunCompleted', { outputs: sealed, shadow })).toEqual({ outputs: SEALED });
    expect(shownEventData('RunFailed', { reason: 'step.not_retryable', stepId: 'pay', message: 'failed', shadow })).toEqual({ reason: 'step.not_retryable', stepId: 'pay', message: 'failed' });
    // Only a final event's: another event's field of that name is its own data.
    expect(shownEventData('Custom', { shadow: 'kept' })).toEqual({ shadow: 'kept' });
  });

  it('leaves plain data as it is', () => {
    const data = { stepId: 'pay', attempt: 2, errorClass: 'transient', code: 'http.503', message: 'unavailable', status: 503, retryAt: 1700000000000 };
    expect(shownEventData('StepFailed', data)).toEqual(data);
    expect(shownEventData('ApprovalRequested', { approvalId: 'a', prompt: 'Pay 10?' })).toEqual({ approvalId: 'a', prompt: 'Pay 10?' });
  });
});
