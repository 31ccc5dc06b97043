import { describe, expect, it } from '@jest/globals';
import { connectorEgress, parseConnectorConfig, type DryConnector } from '#connectors';
import { parseAutomationDefinition } from '../definition/index.js';
import type { RunEvent } from '../run/run.events.js';
import { evolveRun, initialRunState, type ActiveRunState } from '../run/run.state.js';
import { runShadowJob, type ShadowJob } from './shadow-job.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const RUN = 'run-0001';
const definitionOf = (steps: unknown[]) => parseAutomationDefinition({
  name: 'pay_invoice', title: 'Pay', description: 'Pays.', inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' } } }, steps,
});
const quote = { id: 'quote', type: 'call', connector: 'billing', request: { method: 'POST', path: '/quotes/{{input.invoiceId}}', body: { invoice: '{{input.invoiceId}}' } } };
const BILLING = { baseUrl: 'https://billing.example.com', allowedHosts: ['billing.example.com'], auth: { placement: 'header', name: 'Authorization', template: 'Bearer {{secret}}' } };
const billing = (config: Record<string, unknown> = {}, overrides: { canSign?: boolean } = {}): DryConnector => ({
  name: 'billing', registered: true, hasSecret: true, canSign: overrides.canSign ?? true, rate: { heldBack: false, retryAfterMs: 0 },
  config: parseConnectorConfig({ ...BILLING, ...config }),
});

/** A live run of one quote call that succeeded 40 ms after it started, and its job against a shadow of the same steps. */
function jobWith(connectors: Record<string, DryConnector>): ShadowJob {
  const started: RunEvent = { type: 'RunStarted', data: { runId: RUN, automation: 'pay_invoice', version: 1, input: { invoiceId: 'inv-1' }, startedBy: 'alice', startedAt: T0, deadlineAt: T0 + 3_600_000, stepIds: ['quote'], secretPins: {}, shadowVersion: 2 } };
  const timeline = [
    { event: { type: 'StepStarted', data: { stepId: 'quote', attempt: 1, startedAt: T0 + 10, leaseUntil: T0 + 5010 } } as RunEvent, at: T0 + 12 },
    { event: { type: 'StepSucceeded', data: { stepId: 'quote', attempt: 1, output: { status: 201, body: { id: 'q-1' } } } } as RunEvent, at: T0 + 50 },
    { event: { type: 'RunCompleted', data: { outputs: {} } } as RunEvent, at: T0 + 50 },
  ];
  const final = timeline.reduce((state, { event }) => evolveRun(state, event), evolveRun(initialRunState(), started)) as ActiveRunState;
  return {
    runId: RUN, automation: 'pay_invoice', live: { version: 1, definition: definitionOf([quote]) }, shadow: { version: 2, definition: definitionOf([{ ...quote, retry: { maxAttempts: 5 } }]) },
    input: { invoiceId: 'inv-1' }, startedBy: 'alice', startedAt: T0, timeline, final, connectors,
  };
}

describe('runShadowJob', () => {
  it('renders both sides through the connector as read, each answered by the live response and its latency', async () => {
    const compared = await runShadowJob(jobWith({ billing: billing() }), connectorEgress());
    expect(compared).toMatchObject({
      runId: RUN, liveVersion: 1, shadowVersion: 2, requestsIdentical: true, sameSequence: true,
      live: { outcome: 'completed', failureClass: null, durationMs: 50 }, shadow: { outcome: 'completed', failureClass: null, durationMs: 40 },
      calls: [{ stepId: 'quote', live: true, shadow: true, differingPaths: [] }],
    });
  });

  it('refuses the calls of a connector that is gone, as the live call would be refused', async () => {
    const compared = await runShadowJob(jobWith({ billing: { name: 'billing', registered: false } }), connectorEgress());
    expect(compared.shadow).toMatchObject({ outcome: 'failed', failureClass: 'step.not_retryable' });
  });

  it('fails, recording no refusal, when a call names a connector the job was not given (a fault of its reader)', async () => {
    await expect(runShadowJob(jobWith({}), connectorEgress())).rejects.toThrow('connector billing was not read for the plan');
  });

  it('refuses a call to an address outside the egress networks, and an on-behalf-of connector this process cannot sign for', async () => {
    const privateAddress = await runShadowJob(jobWith({ billing: billing({ baseUrl: 'https://10.0.0.5', allowedHosts: ['10.0.0.5'] }) }), connectorEgress());
    expect(privateAddress.shadow).toMatchObject({ outcome: 'failed' });
    expect((await runShadowJob(jobWith({ billing: billing({ baseUrl: 'https://10.0.0.5', allowedHosts: ['10.0.0.5'] }) }), connectorEgress(['10.0.0.0/8']))).shadow.outcome).toBe('completed');
    const onBehalfOf = { onBehalfOf: { header: 'X-On-Behalf-Of' } };
    expect((await runShadowJob(jobWith({ billing: billing(onBehalfOf, { canSign: false }) }), connectorEgress())).shadow.outcome).toBe('failed');
    expect((await runShadowJob(jobWith({ billing: billing(onBehalfOf) }), connectorEgress())).shadow.outcome).toBe('completed');
  });
});
