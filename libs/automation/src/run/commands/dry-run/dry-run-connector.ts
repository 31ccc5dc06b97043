import { Injectable } from '@nestjs/common';
import type { DryConnectorCall } from '#connectors';
import { ConnectorGateway, type PlanConnectors } from '#connectors/nest';
import type { CallStep } from '../../../definition/index.js';
import type { CallAction } from '../../process/next-run-action.js';
import type { SimulatedCall } from './plan-dry-run.js';
import { answerDryCall, dryCallKey } from './answer-dry-call.js';

/**
 * What one dry run's plan has looked up so far: the connectors (each read once) and the calls
 * rendered (a call with the same connector, request and key is rendered once).
 */
export interface SimulationMemo {
  connectors: PlanConnectors;
  calls: Map<string, Promise<DryConnectorCall>>;
}

export const newSimulationMemo = (): SimulationMemo => ({ connectors: new Map(), calls: new Map() });

/**
 * The connector side of a dry run: the call rendered and checked by the gateway (secret shown as
 * "[secret]", never opened; rate peeked, never spent), then answered by the step's dryRunResponse
 * (an empty 200 without one) through the live call's own classification of statuses. Refusals
 * come back as the live call's errors, so the saga's rules decide what they mean.
 */
@Injectable()
export class DryRunConnector {
  constructor(private readonly gateway: ConnectorGateway) {}

  /** `memo`: what the plan looked up so far, one per plan. */
  async simulate(tenantId: string, action: CallAction, step: CallStep, memo?: SimulationMemo): Promise<SimulatedCall> {
    return answerDryCall(() => this.dryCall(tenantId, action, memo), action, step);
  }

  private dryCall(tenantId: string, action: CallAction, memo: SimulationMemo | undefined): Promise<DryConnectorCall> {
    if (!memo) return this.gateway.dryCall(tenantId, action.connector, action.request, action.idempotencyKey);
    const key = dryCallKey(action);
    let call = memo.calls.get(key);
    if (!call) {
      call = this.gateway.dryCall(tenantId, action.connector, action.request, action.idempotencyKey, memo.connectors);
      memo.calls.set(key, call);
    }
    return call;
  }
}
