import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APPROVER_GROUPS_STREAM, callerGroupsOf, groupsFold } from '#automation';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, eventMetadataOf, loadStream, type EventStore } from '#event-store';
import type { PolicyCheckedCall, PolicyVerdict, ToolPolicy } from '#mcp';
import { CedarThread, InlineCedar, type CedarEngine } from '../cedar/cedar-engine.js';
import { CompiledPolicySet, type PolicyEvaluation, type PolicyRequest } from '../cedar/policy-evaluation.js';
import { validatePolicyText } from '../cedar/policy-validation.js';
import { policiesFold } from '../policy.decider.js';
import { PolicyApprovalRequiredError, PolicyDeniedError, PolicyEvaluationFailedError } from '../policy.errors.js';
import type { PolicyEvaluated, PolicyMode } from '../policy.events.js';
import type { PoliciesState } from '../policy.state.js';
import { POLICIES_ADMIN_SCOPE, POLICIES_READ_SCOPE, POLICIES_STREAM, policyEvaluationsStream } from '../policy-stream.js';

const POLICY_SCOPES: ReadonlySet<string> = new Set([POLICIES_ADMIN_SCOPE, POLICIES_READ_SCOPE]);

/**
 * Sets of up to this many Cedar statements evaluate on the event loop, larger ones on the Cedar
 * thread. A whole-set evaluation costs some tens of µs plus about 4.5 µs a statement (Cedar copies
 * the preparsed set at every call), so 50 statements hold the loop about 0.3 ms when the screen
 * (CompiledPolicySet) does not settle the call; the hop to the thread costs more CPU than that on
 * a busy machine (bench:runs, 20 enforce policies: +0.57 ms of CPU per run inline, +0.88 to
 * +1.36 ms on the thread, before the screen). Past it, the evaluation itself is what the loop
 * should not wait for.
 */
export const INLINE_CEDAR_STATEMENTS = 50;

/** A tenant's policies of one mode, compiled, and those of them that no longer validate (they refuse every call: fail closed). */
interface ModeSet {
  mode: PolicyMode;
  compiled: CompiledPolicySet;
  broken: string[];
  /** A statement reads `groups`: the caller's groups must be looked up for it. */
  readsGroups: boolean;
}

interface TenantSets {
  version: number;
  sets: ModeSet[];
}

/**
 * The tenant's policies at the MCP front door. Each call reads the tail of the tenant's policies
 * stream (one short read: a change made by any process is seen by the next call) and reuses the
 * compiled sets while the stream's version is unchanged. A tenant without policies gets no
 * evaluation and no event. Otherwise the enforce policies and the log-only policies are
 * evaluated apart, each beside an implicit permit, and each evaluation is a PolicyEvaluated
 * event, durable before the answer (a refusal's before it is thrown); only the enforce decision
 * can refuse the call, or, for a call that can wait (an automation's run), ask for a group's
 * approval before it goes on.
 * Cedar evaluates small sets on the event loop and larger ones on a thread of its own
 * (INLINE_CEDAR_STATEMENTS).
 */
@Injectable()
export class TenantPolicyGate implements ToolPolicy, OnModuleDestroy {
  private readonly compiled = new Map<string, TenantSets>();
  private readonly cedar = { inline: new InlineCedar(), thread: new CedarThread() };

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async check({ metadata, tool, scope, input, canAwaitApproval }: PolicyCheckedCall): Promise<PolicyVerdict> {
    const allow: PolicyVerdict = { decision: 'allow' };
    // The policy tools themselves are never guarded: an overbroad forbid must not lock the tenant out of mending it.
    if (POLICY_SCOPES.has(scope)) return allow;
    const sets = await this.setsOf(metadata.tenantId);
    if (sets.length === 0) return allow;
    // The tenant's approver groups are read only for policies that read the caller's groups.
    const groups = sets.some((set) => set.readsGroups) ? await this.groupsOf(metadata) : [...(metadata.groups ?? [])];
    const request: PolicyRequest = {
      userId: metadata.userId, clientId: metadata.clientId, scopes: metadata.scopes, groups,
      tool, toolScope: scope, automation: scope.startsWith('automation:'), arguments: input,
    };
    const evaluations = await Promise.all(sets.map(async ({ mode, compiled, broken }) => ({ mode, evaluation: broken.length > 0 ? brokenEvaluation(broken) : await compiled.evaluate(request) })));
    // Enqueued now, before the tool can append anything: on the embedded store it commits in the
    // same group as the tool's first append or an earlier one. A refusal waits for it; a call let
    // through runs meanwhile, and the front door awaits it before it answers.
    const recorded = this.record(metadata, tool, argumentKeysOf(input), evaluations).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    const refuse = async (error: Error): Promise<never> => {
      throw (await recorded) ?? error;
    };
    const enforced = evaluations.find(({ mode }) => mode === 'enforce')?.evaluation;
    if (enforced === undefined) return { ...allow, recorded };
    switch (enforced.decision) {
      case 'allow':
        return { ...allow, recorded };
      case 'deny':
        return refuse(new PolicyDeniedError(tool, enforced.matchedPolicies));
      case 'approval_required':
        // Only work that can be parked waits for the approval; any other call has nowhere to wait, so it is refused.
        if (!canAwaitApproval) return refuse(new PolicyApprovalRequiredError(tool, enforced.matchedPolicies, enforced.approvalGroups));
        return { decision: 'approval_required', approval: { groups: [...enforced.approvalGroups], policies: [...enforced.matchedPolicies] }, recorded };
      case 'error':
        return refuse(new PolicyEvaluationFailedError(tool, enforced.erroredPolicies));
      default: {
        const unexpected: never = enforced.decision;
        throw new Error(`unknown decision ${String(unexpected)}`);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.cedar.thread.close();
  }

  private async record(metadata: CommandMetadata, tool: string, argumentKeys: string[], evaluations: Array<{ mode: PolicyMode; evaluation: PolicyEvaluation }>): Promise<void> {
    const eventMetadata = eventMetadataOf({ ...metadata, tool });
    const events = evaluations.map(({ mode, evaluation }): PolicyEvaluated & { metadata: typeof eventMetadata } => ({
      type: 'PolicyEvaluated',
      data: { tool, mode, ...evaluation, argumentKeys, userId: metadata.userId, clientId: metadata.clientId },
      metadata: eventMetadata,
    }));
    await this.store.append(metadata.tenantId, policyEvaluationsStream(new Date()), 'any', events);
  }

  /**
   * The caller's groups as policies see them: its token's claim and the tenant's approver groups
   * that list it. The groups stream is read per call, as the policies stream is (its tail, on the
   * folded state the stream cache keeps), so a membership change holds at the next call anywhere.
   */
  private async groupsOf(metadata: CommandMetadata): Promise<string[]> {
    const { state } = await loadStream(this.store, metadata.tenantId, APPROVER_GROUPS_STREAM, groupsFold);
    return callerGroupsOf(state, metadata.userId, metadata.groups);
  }

  /** The tenant's non-empty mode sets, enforce first; none when it has no policies. */
  private async setsOf(tenantId: string): Promise<ModeSet[]> {
    const { state, version } = await loadStream(this.store, tenantId, POLICIES_STREAM, policiesFold);
    if (state.policies.size === 0) {
      // Only tenants with policies hold a compiled entry: the map grows with them, not with every caller.
      this.compiled.delete(tenantId);
      return [];
    }
    const cached = this.compiled.get(tenantId);
    if (cached?.version === version) return cached.sets;
    const sets = compile(tenantId, state, this.cedar);
    this.compiled.set(tenantId, { version, sets });
    return sets;
  }
}

function compile(tenantId: string, state: PoliciesState, cedar: { inline: CedarEngine; thread: CedarEngine }): ModeSet[] {
  const sets: ModeSet[] = [];
  for (const mode of ['enforce', 'log-only'] as const) {
    const named = [];
    const broken: string[] = [];
    let readsGroups = false;
    for (const policy of state.policies.values()) {
      if (policy.mode !== mode) continue;
      try {
        const statements = validatePolicyText(policy.name, policy.text);
        named.push({ name: policy.name, statements });
        readsGroups ||= statements.some((statement) => statement.readsGroups === true);
      } catch {
        // Published valid, invalid now (a Cedar or schema change): it refuses every call until mended.
        broken.push(policy.name);
      }
    }
    const statements = named.reduce((count, policy) => count + policy.statements.length, 0);
    const engine = statements <= INLINE_CEDAR_STATEMENTS ? cedar.inline : cedar.thread;
    if (named.length > 0 || broken.length > 0) sets.push({ mode, compiled: new CompiledPolicySet(`${tenantId}\u0000${mode}`, named, engine), broken, readsGroups });
  }
  return sets;
}

function brokenEvaluation(broken: string[]): PolicyEvaluation {
  return { decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: broken };
}

function argumentKeysOf(input: unknown): string[] {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input).slice(0, 100) : [];
}
