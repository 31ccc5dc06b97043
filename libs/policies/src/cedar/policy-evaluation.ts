import { policyToText, type CedarValueJson, type Context, type EntityJson, type Expr, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { InlineCedar, type CedarCall, type CedarEngine, type ParsedSetRef } from './cedar-engine.js';
import { CALL_ACTION } from './ledgerline-schema.js';
import { toCedarValue } from './cedar-values.js';
import type { AttributeReads, PolicyStatement, RequestReads } from './policy-validation.js';

export type PolicyDecision = 'allow' | 'deny' | 'approval_required' | 'error';

/** A policy as the evaluator takes it: its name and its validated statements. */
export interface NamedPolicy {
  name: string;
  statements: readonly PolicyStatement[];
}

/** Who calls which tool with what: the request a tenant's policies are evaluated on. */
export interface PolicyRequest {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  groups: readonly string[];
  tool: string;
  toolScope: string;
  automation: boolean;
  arguments: unknown;
}

export interface PolicyEvaluation {
  decision: PolicyDecision;
  /** The policies that decided (matched): forbids for a deny, approval policies for approval_required. */
  matchedPolicies: string[];
  /** The groups whose approval the matching @requireApproval policies ask for. */
  approvalGroups: string[];
  /** Policies whose evaluation failed for this request (a type error, a missing attribute). */
  erroredPolicies: string[];
}

/**
 * Ledgerline's policies guard calls the caller's scopes already allow: Cedar denies by default,
 * so each set is evaluated with this permit beside it, and only a forbid (or an approval policy)
 * stops a call. Its id cannot be a policy name (names start with a letter).
 */
const IMPLICIT_PERMIT_ID = '__implicit_permit';
const IMPLICIT_PERMIT = 'permit(principal, action, resource);';

/**
 * The screen's merged statements: `__screen_<n>`, apart from policy names (which start with a
 * letter). At most SCREEN_CHUNK statements are merged into one, so its condition stays shallow.
 */
const SCREEN_ID = '__screen_';
const SCREEN_CHUNK = 64;

/** Statements' Cedar ids name their policy: `<name>#<n>`. */
const policyOfId = (id: string): string => id.slice(0, id.lastIndexOf('#'));

/** Every compilation's own number: an engine holding another set in the same slot parses this one. */
let generations = 0;
const INLINE = new InlineCedar();

/**
 * A tenant's policies of one mode, ready to evaluate: the engine (Cedar on its own thread, in
 * the platform) parses them once per compilation, under this set's slot, which the next
 * compilation for the same tenant and mode replaces, so parsed sets do not pile up in the
 * WebAssembly heap; the statements' approval groups are kept by id.
 */
export class CompiledPolicySet {
  private readonly approvalGroups = new Map<string, string>();
  private readonly policies: Record<string, string> = { [IMPLICIT_PERMIT_ID]: IMPLICIT_PERMIT };
  private readonly ref: ParsedSetRef;
  /** What the set's statements read of a call: Cedar is given only that (reading entities is most of an evaluation's cost). */
  private readonly reads: RequestReads;
  /** The set's statements merged (see screenOf), evaluated first; absent when merging would not make the set smaller. */
  private readonly screen: ParsedSetRef | undefined;

  constructor(readonly slot: string, readonly named: readonly NamedPolicy[], private readonly engine: CedarEngine = INLINE) {
    for (const { name, statements } of named) {
      statements.forEach((statement, index) => {
        const id = `${name}#${index + 1}`;
        this.policies[id] = statement.text;
        if (statement.approvalGroup !== undefined) this.approvalGroups.set(id, statement.approvalGroup);
      });
    }
    const generation = ++generations;
    this.ref = { slot, generation, policies: this.policies };
    const statements = named.flatMap((policy) => policy.statements);
    this.reads = unionOfReads(statements.map((statement) => statement.reads ?? ALL_READS));
    const screen = screenOf(statements);
    this.screen = screen && { slot: `${slot}\u0000screen`, generation, policies: screen };
  }

  get isEmpty(): boolean {
    return this.named.length === 0;
  }

  /** The set is screened before it is evaluated whole (see screenOf). */
  get screened(): boolean {
    return this.screen !== undefined;
  }

  /**
   * Evaluates the request; never rejects: a failure of any kind (arguments Cedar cannot hold, a set
   * that no longer parses, a fault of the WebAssembly module or of its thread) is the decision
   * `error`, naming every policy of the set, so it is recorded and, in enforce mode, refuses.
   */
  async evaluate(request: PolicyRequest): Promise<PolicyEvaluation> {
    try {
      return await this.decide(request);
    } catch {
      return { decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies: this.named.map((policy) => policy.name) };
    }
  }

  private async decide(request: PolicyRequest): Promise<PolicyEvaluation> {
    const call = this.callOf(request);
    // Most calls match no statement: the screen says so for the cost of a few statements, exactly.
    // Anything else (a match, an error, a screen that failed) is decided by the whole set, which names the policies.
    if (this.screen !== undefined) {
      const screened = await this.engine.authorize(this.screen, call);
      if (screened.type === 'success' && screened.response.diagnostics.errors.length === 0 && screened.response.diagnostics.reason.every((id) => id === IMPLICIT_PERMIT_ID)) {
        return { decision: 'allow', matchedPolicies: [], approvalGroups: [], erroredPolicies: [] };
      }
    }
    const answer = await this.engine.authorize(this.ref, call);
    if (answer.type === 'failure') throw new CedarFailure(answer.errors.map((error) => error.message).join('; '));
    const { decision, diagnostics } = answer.response;
    const erroredPolicies = unique(diagnostics.errors.map((error) => policyOfId(error.policyId)));
    // A policy that failed to evaluate might have forbidden the call: never read its silence as consent.
    if (erroredPolicies.length > 0) return { decision: 'error', matchedPolicies: [], approvalGroups: [], erroredPolicies };
    const reasons = diagnostics.reason.filter((id) => id !== IMPLICIT_PERMIT_ID);
    const approvals = reasons.filter((id) => this.approvalGroups.has(id));
    const plainForbids = decision === 'deny' ? reasons.filter((id) => !this.approvalGroups.has(id)) : [];
    if (plainForbids.length > 0) return { decision: 'deny', matchedPolicies: unique(plainForbids.map(policyOfId)), approvalGroups: [], erroredPolicies: [] };
    if (approvals.length > 0) {
      return { decision: 'approval_required', matchedPolicies: unique(approvals.map(policyOfId)), approvalGroups: unique(approvals.map((id) => this.approvalGroups.get(id)!)), erroredPolicies: [] };
    }
    return { decision, matchedPolicies: unique(reasons.map(policyOfId)), approvalGroups: [], erroredPolicies: [] };
  }

  /**
   * The call as Cedar takes it, with only what some statement reads: an entity no statement reads
   * an attribute of is left out (Cedar reads none of it; the scope's `in` and `is` need only its
   * id, and it has no parents).
   */
  private callOf(request: PolicyRequest): CedarCall {
    const principal = { type: 'User', id: request.userId };
    const resource = { type: 'Tool', id: request.tool };
    const entities: EntityJson[] = [];
    const principalAttrs = picked(this.reads.principal, { groups: () => [...request.groups], client: () => request.clientId, scopes: () => [...request.scopes] });
    if (principalAttrs) entities.push({ uid: principal, attrs: principalAttrs, parents: [] });
    const resourceAttrs = picked(this.reads.resource, { scope: () => request.toolScope, automation: () => request.automation });
    if (resourceAttrs) entities.push({ uid: resource, attrs: resourceAttrs, parents: [] });
    // Converted whether read or not: arguments Cedar cannot hold fail closed, whatever the set reads.
    const args = toCedarValue(request.arguments) ?? {};
    const context: Context = picked(this.reads.context, {
      arguments: () => args,
      argumentKeys: () => (typeof request.arguments === 'object' && request.arguments !== null && !Array.isArray(request.arguments) ? Object.keys(request.arguments) : []),
    }) ?? {};
    return { principal, action: CALL_ACTION, resource, context, entities };
  }
}

class CedarFailure extends Error {}

const ALL_READS: RequestReads = { principal: 'all', resource: 'all', context: 'all' };

function unionOfReads(reads: readonly RequestReads[]): RequestReads {
  const union = (of: readonly AttributeReads[]): AttributeReads => (of.includes('all') ? 'all' : new Set(of.flatMap((names) => [...(names as ReadonlySet<string>)])));
  return { principal: union(reads.map((r) => r.principal)), resource: union(reads.map((r) => r.resource)), context: union(reads.map((r) => r.context)) };
}

/** The attributes read, each computed only then; undefined when none is read. */
function picked(reads: AttributeReads, attributes: Record<string, () => CedarValueJson>): Record<string, CedarValueJson> | undefined {
  const names = Object.keys(attributes).filter((name) => reads === 'all' || reads.has(name));
  // A read of an attribute the call does not have (`principal has nickname`) still needs the entity, without it.
  if (names.length === 0) return reads === 'all' || reads.size > 0 ? {} : undefined;
  return Object.fromEntries(names.map((name) => [name, attributes[name]!()]));
}

/**
 * The screen: the statements merged, per effect and scope, into one whose condition is the
 * disjunction of theirs (each statement's `when`s and negated `unless`es conjoined, left to right
 * as Cedar evaluates them), beside the implicit permit. It matches nothing and errors nowhere
 * exactly when no statement matches or errors: `||` goes on past a false operand only, and stops
 * at the first that is true or fails, as `&&` stops at the first that is not true.
 * Cedar copies a preparsed set on every evaluation and builds each statement's condition anew, so
 * an evaluation costs some microseconds a statement whatever the statement reads; the screen spares
 * that for the calls no statement concerns, and costs one more evaluation, of a few statements,
 * for those some statement does.
 * Undefined when a statement has no JSON form, or merging would not make the set smaller.
 */
function screenOf(statements: readonly PolicyStatement[]): Record<string, string> | undefined {
  const groups = new Map<string, { json: PolicyJson; conditions: Expr[] }>();
  for (const { json } of statements) {
    if (json === undefined) return undefined;
    const key = JSON.stringify([json.effect, json.principal, json.action, json.resource]);
    const group = groups.get(key) ?? { json, conditions: [] };
    groups.set(key, group);
    const clauses = json.conditions.map((clause): Expr => (clause.kind === 'when' ? clause.body : { '!': { arg: clause.body } }));
    group.conditions.push(clauses.length === 0 ? { Value: true } : clauses.reduce((left, right) => ({ '&&': { left, right } })));
  }
  const merged: PolicyJson[] = [];
  for (const { json, conditions } of groups.values()) {
    for (let at = 0; at < conditions.length; at += SCREEN_CHUNK) {
      const body = conditions.slice(at, at + SCREEN_CHUNK).reduce((left, right) => ({ '||': { left, right } }));
      merged.push({ effect: json.effect, principal: json.principal, action: json.action, resource: json.resource, conditions: [{ kind: 'when', body }] });
    }
  }
  if (merged.length >= statements.length) return undefined;
  const policies: Record<string, string> = { [IMPLICIT_PERMIT_ID]: IMPLICIT_PERMIT };
  for (const [index, json] of merged.entries()) {
    const text = policyToText(json);
    if (text.type === 'failure') return undefined;
    policies[`${SCREEN_ID}${index + 1}`] = text.text;
  }
  return policies;
}

/** Each once, in order: Cedar gives its reasons and errors in no particular order. */
function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
