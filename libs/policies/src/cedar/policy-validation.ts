import { policySetTextToParts, policyToJson, validate, type DetailedError, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { InvalidPolicyError, type PolicyErrorPosition, type PolicyIssue } from '../policy.errors.js';
import { LEDGERLINE_CEDAR_SCHEMA } from './ledgerline-schema.js';

/** The annotation that turns a matching policy into "the call needs an approval by this group". */
export const REQUIRE_APPROVAL = 'requireApproval';
const GROUP = /^[^\s\u0000-\u001f]{1,256}$/;

/** One Cedar statement (`permit(…)…;` or `forbid(…)…;`) of a named policy. */
export interface PolicyStatement {
  text: string;
  effect: 'permit' | 'forbid';
  /** From `@requireApproval("<group>")`: matching asks for that group's approval. */
  approvalGroup?: string;
  /**
   * The statement reads the principal's `groups` (or all of the principal, see readsOf): only then
   * does the gate read the tenant's approver groups to give the caller's. Absent when it does not.
   */
  readsGroups?: true;
  /** What of a call the statement reads (see readsOf); absent: all of it. */
  reads?: RequestReads;
  /** Cedar's JSON form of the statement: what the screen (see CompiledPolicySet) merges; absent: the set is not screened. */
  json?: PolicyJson;
}

/** The attributes of one of the call's variables that a statement reads, or `all` of them. */
export type AttributeReads = ReadonlySet<string> | 'all';

/** Per variable of a call (`action` has no attributes), what a statement reads. */
export interface RequestReads {
  principal: AttributeReads;
  resource: AttributeReads;
  context: AttributeReads;
}

const READ_VARIABLES = ['principal', 'resource', 'context'] as const;
type ReadVariable = (typeof READ_VARIABLES)[number];
const isReadVariable = (value: unknown): value is ReadVariable => (READ_VARIABLES as readonly unknown[]).includes(value);

/**
 * What a statement's conditions read of the call, from Cedar's JSON form: `principal.groups`,
 * `principal has groups` and `principal["groups"]` all read `groups` of the principal. The test
 * is conservative: a variable used whole (`principal == resource`, `context == {}`, an
 * `if … then principal …` whose attribute is then read, a tag) reads all of it, and an entity
 * literal anywhere (`User::"alice".scopes` may be the caller's) reads all of both entities. The
 * scope (`principal in Group::"g"`, `resource is Tool`) reads no attribute.
 */
export function readsOf(conditions: unknown): RequestReads {
  const named: Record<ReadVariable, Set<string>> = { principal: new Set(), resource: new Set(), context: new Set() };
  const whole = new Set<ReadVariable>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === '.' || key === 'has') && typeof value === 'object' && value !== null && typeof (value as { attr?: unknown }).attr === 'string') {
        const { left, attr } = value as { left?: unknown; attr: string };
        const variable = typeof left === 'object' && left !== null ? (left as { Var?: unknown }).Var : undefined;
        if (typeof variable === 'string') {
          if (isReadVariable(variable)) named[variable].add(attr);
          continue;
        }
      }
      if (key === 'Var' && isReadVariable(value)) whole.add(value);
      else if (key === '__entity') whole.add('principal').add('resource');
      else visit(value);
    }
  };
  visit(conditions);
  return { principal: whole.has('principal') ? 'all' : named.principal, resource: whole.has('resource') ? 'all' : named.resource, context: whole.has('context') ? 'all' : named.context };
}

/** An access under `context.arguments`: the schema cannot type arguments (see ledgerline-schema.ts), evaluation does. */
const ARGUMENT_ACCESS = /^context\s*(\.\s*arguments\b|\[\s*"arguments"\s*\])/;

/**
 * Validates a named policy's text against the Ledgerline schema and splits it into its
 * statements. Every parse and schema error is reported with its position; errors the validator
 * gives for attribute accesses under `context.arguments` are not errors here (arguments are typed
 * at evaluation). Templates (`?principal`) are refused: a policy applies as written.
 * @throws InvalidPolicyError listing every issue.
 */
export function validatePolicyText(name: string, text: string): PolicyStatement[] {
  const answer = validate({ schema: LEDGERLINE_CEDAR_SCHEMA, policies: { staticPolicies: text }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') throw new InvalidPolicyError(name, answer.errors.map((error) => issueOf(text, error)));
  const issues = answer.validationErrors.map(({ error }) => error).filter((error) => !isArgumentAccess(text, error)).map((error) => issueOf(text, error));
  if (issues.length > 0) throw new InvalidPolicyError(name, issues);
  const parts = policySetTextToParts(text);
  if (parts.type === 'failure') throw new InvalidPolicyError(name, parts.errors.map((error) => issueOf(text, error)));
  if (parts.policy_templates.length > 0) throw new InvalidPolicyError(name, [{ message: 'templates (policies with ?principal or ?resource slots) are not supported: write the policy for the entities it applies to', help: null }]);
  if (parts.policies.length === 0) throw new InvalidPolicyError(name, [{ message: 'the text holds no policy: write at least one permit or forbid', help: null }]);
  return parts.policies.map((statement) => statementOf(name, text, statement));
}

function statementOf(name: string, text: string, statement: string): PolicyStatement {
  const json = policyToJson(statement);
  if (json.type === 'failure') throw new InvalidPolicyError(name, json.errors.map((error) => issueOf(text, error)));
  const group = json.json.annotations?.[REQUIRE_APPROVAL];
  const reads = readsOf(json.json.conditions ?? []);
  // Only the principal's groups are given to Cedar (see CompiledPolicySet), so only a read of them counts.
  const readsGroups = reads.principal === 'all' || reads.principal.has('groups') ? ({ readsGroups: true } as const) : {};
  if (group === undefined) return { text: statement, effect: json.json.effect, ...readsGroups, reads, json: json.json };
  if (!GROUP.test(group)) {
    const position = annotationPosition(text, statement);
    throw new InvalidPolicyError(name, [{ message: `@${REQUIRE_APPROVAL} names a group: 1-256 characters without spaces`, help: `for example @${REQUIRE_APPROVAL}("managers")`, ...(position && { position }) }]);
  }
  return { text: statement, effect: json.json.effect, approvalGroup: group, ...readsGroups, reads, json: json.json };
}

/** Where the statement's @requireApproval stands in the whole text (Cedar gives annotations no position). */
function annotationPosition(text: string, statement: string): PolicyErrorPosition | undefined {
  const at = text.indexOf(`@${REQUIRE_APPROVAL}`, Math.max(0, text.indexOf(statement)));
  if (at < 0) return undefined;
  const start = Buffer.byteLength(text.slice(0, at));
  return positionOf(text, start, start + Buffer.byteLength(`@${REQUIRE_APPROVAL}`));
}

function isArgumentAccess(text: string, error: DetailedError): boolean {
  const [location] = error.sourceLocations ?? [];
  if (location === undefined) return false;
  return ARGUMENT_ACCESS.test(Buffer.from(text).subarray(location.start, location.end).toString());
}

function issueOf(text: string, error: DetailedError): PolicyIssue {
  const [location] = error.sourceLocations ?? [];
  return { message: error.message, help: error.help, ...(location && { position: positionOf(text, location.start, location.end) }) };
}

/** Cedar's offsets are bytes of the UTF-8 text; lines and columns count characters. */
export function positionOf(text: string, start: number, end: number): PolicyErrorPosition {
  const before = Buffer.from(text).subarray(0, start).toString();
  const lines = before.split('\n');
  return { start, end, line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}
