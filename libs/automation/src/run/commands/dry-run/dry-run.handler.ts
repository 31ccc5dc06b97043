import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, ValidationError, type JsonObject } from '#core';
import { ConnectorGateway } from '#connectors/nest';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { PersonalDataVault } from '#keys';
import { AutomationCatalog } from '../../../automation/automation-catalog.js';
import { compileInputValidator } from '../../../automation/automation-input.js';
import { connectorNamesOf } from '../../../definition/index.js';
import { newRunId } from '../../run-stream.js';
import { DryRunCommand } from './dry-run.command.js';
import { dryRunDecider } from './dry-run.decide.js';
import type { DryRunPlanned } from './dry-run.events.js';
import type { DryRunPlan, PlannedStep } from './dry-run.plan.js';
import { answerDryCall } from './answer-dry-call.js';
import { dryCallRenderer, readDryConnectors } from './dry-connectors.js';
import { planDryRun } from './plan-dry-run.js';

/** A dry run's stream: `dryrun-<uuid>`, derived from the call's idempotency key like a run's, so a repeated call finds its plan. */
export function newDryRunId(tenantId: string, idempotencyKey: string | undefined): string {
  return `dry${newRunId(tenantId, idempotencyKey)}`;
}

/**
 * Plans a run of an automation without running it (planDryRun, connector calls rendered by
 * dryCallRenderer and answered by answerDryCall) and records the plan on its own stream, the
 * input and the plan's steps sealed for the requester. The input is checked against the
 * version's schema here, for every caller (the tool checked it already; REST did not).
 */
@CommandHandler(DryRunCommand)
export class DryRunHandler implements ICommandHandler<DryRunCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalog: AutomationCatalog,
    private readonly connectors: ConnectorGateway,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({ metadata, automation, version, input, policyApproval }: DryRunCommand): Promise<DryRunPlan> {
    const { tenantId, userId } = metadata;
    const chosen = version ?? (await this.catalog.liveOf(tenantId, automation))?.version;
    const definition = chosen === undefined ? undefined : await this.catalog.version(tenantId, automation, chosen);
    if (chosen === undefined || !definition) {
      throw new NotFoundError('automation.not_found', version === undefined ? `no automation ${automation} in this tenant` : `no automation ${automation} v${version} in this tenant`, { automation, ...(version !== undefined && { version }) });
    }
    const issues = compileInputValidator(definition.inputSchema)(input);
    if (issues.length > 0) throw new ValidationError('run.invalid_input', `invalid input: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues });
    // A start refuses an automation whose connector is gone (it pins their secret versions): so does its dry run.
    for (const name of connectorNamesOf(definition)) await this.connectors.currentSecretVersion(tenantId, name);
    // Planned even when the key was used before: planning has no effect, and handleCommand, not a
    // look at the stream, decides whether the key's promise holds (same input: the recorded plan; other: refused).
    const dryRunId = newDryRunId(tenantId, metadata.idempotencyKey);
    const now = Date.now();
    // Each call rendered as it would go out (the secret as a marker, never opened), checked, and
    // answered by the step's dryRunResponse; the plan sees each connector as it was when it began.
    const render = dryCallRenderer(await readDryConnectors(this.connectors, tenantId, [definition]), this.connectors.callEgress);
    const plan = await planDryRun({
      dryRunId, automation, version: chosen, definition, input, requestedBy: userId, now, ...(policyApproval && { policyApproval }),
      simulate: (action, step) => answerDryCall(() => render(action), action, step),
    });
    const sealedInput = await this.vault.seal(tenantId, userId, input, dryRunId);
    const data: DryRunPlanned['data'] = {
      dryRunId, automation, version: chosen, requestedBy: userId, plannedAt: now, outcome: plan.outcome, error: plan.error,
      input: sealedInput.sealed, steps: await this.vault.sealValue(tenantId, userId, plan.steps as unknown as JsonObject[], dryRunId),
    };
    // What the key promises: this automation, a dry run, this input (by its keyed digest): a live start with the same key is another call.
    const { state } = await handleCommand(this.store, metadata, dryRunId, dryRunDecider, data, { automation, dryRun: true, input: sealedInput.digest });
    return state.status === 'planned' && state.planned.plannedAt !== now ? this.opened(tenantId, state.planned) : plan;
  }

  private async opened(tenantId: string, planned: DryRunPlanned['data']): Promise<DryRunPlan> {
    const steps = (await this.vault.open(tenantId, planned.steps, planned.dryRunId)) as unknown as PlannedStep[];
    const { dryRunId, automation, version, outcome, error } = planned;
    return { dryRunId, automation, version, outcome, error, steps };
  }
}
