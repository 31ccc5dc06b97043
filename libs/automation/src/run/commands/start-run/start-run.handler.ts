import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '#core';
import { ConnectorGateway } from '#connectors/nest';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { AutomationCatalog } from '../../../automation/automation-catalog.js';
import { connectorNamesOf, type AutomationDefinition } from '../../../definition/index.js';
import { RunScheduler } from '../../process/run-scheduler.js';
import { RunPersonalData } from '../../run-personal-data.js';
import { runDecider } from '../../run.decider.js';
import { approvalIdOf, newRunId, POLICY_APPROVAL_STEP } from '../../run-stream.js';
import { StartRunCommand, type StartRunResult } from './start-run.command.js';
import { decideStartRun } from './start-run.decide.js';

const startRunDecider = runDecider(decideStartRun);

@CommandHandler(StartRunCommand)
export class StartRunHandler implements ICommandHandler<StartRunCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: AutomationCatalog,
    private readonly connectors: ConnectorGateway,
    private readonly scheduler: RunScheduler,
    private readonly personalData: RunPersonalData,
  ) {}

  async execute({ metadata, automation, version, input, shadowVersion, policyApproval }: StartRunCommand): Promise<StartRunResult> {
    const definition = await this.catalog.version(metadata.tenantId, automation, version);
    if (!definition) throw new NotFoundError('automation.not_found', `no automation ${automation} v${version} in this tenant`, { automation, version });
    const runId = newRunId(metadata.tenantId, metadata.idempotencyKey);
    // The input is the starter's personal data: sealed before it is appended; the idempotency key
    // promises its keyed digest, never a plain hash of it.
    const sealed = await this.personalData.sealInput(metadata.tenantId, metadata.userId, runId, input);
    const command = {
      runId, automation, version, input: sealed.sealed, startedBy: metadata.userId, now: Date.now(), timeoutSeconds: definition.timeoutSeconds,
      stepIds: definition.steps.map((step) => step.id), secretPins: await this.pinSecrets(metadata.tenantId, definition), shadowVersion, ...(policyApproval && { policyApproval }),
    };
    const { state } = await handleCommand(this.store, metadata, runId, startRunDecider, command, { automation, input: sealed.digest });
    this.scheduler.poke(metadata.tenantId, runId);
    if (state.status === 'none') return { runId, automation, version, status: 'running' };
    // A repeated start answers with the run as it was started, its policies' approval included.
    const gate = state.policyApproval && { approvalId: approvalIdOf(runId, POLICY_APPROVAL_STEP), groups: state.policyApproval.groups, policies: state.policyApproval.policies };
    return { runId, automation, version: state.version, status: state.status, ...(gate && { policyApproval: gate }) };
  }

  /** Every connector the run may call, at the secret version current now: rotations later do not touch this run. */
  private async pinSecrets(tenantId: string, definition: AutomationDefinition): Promise<Record<string, number>> {
    const pins: Record<string, number> = {};
    for (const name of connectorNamesOf(definition)) pins[name] = await this.connectors.currentSecretVersion(tenantId, name);
    return pins;
  }
}
