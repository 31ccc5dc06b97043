import { BoundedMemo, type JsonObject, type JsonValue } from '#core';

/** What a template may read: the run's input, the outputs of earlier call steps, and who started which run. */
export type TemplateContext = {
  input: JsonValue;
  steps: Record<string, { output: JsonValue }>;
  run: { id: string; startedBy: string };
};

/** A `{{ ref }}` occurrence inside a template string, `ref` trimmed. */
export interface Placeholder {
  text: string;
  ref: string;
}

export type ParsedReference = { ok: true; segments: readonly string[] } | { ok: false; problem: string };

export type ResolvedReference = { found: true; value: JsonValue } | { found: false };

export const REFERENCE_ROOTS: readonly string[] = ['input', 'steps', 'run'];

// Braces cannot nest, so a value that happens to contain braces is never half-matched.
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([^{}]*)\}\}$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ARRAY_INDEX = /^(0|[1-9][0-9]{0,8})$/;
// These names reach the prototype chain of a JavaScript object; a reference is never allowed to.
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);
const NOT_FOUND: ResolvedReference = { found: false };

export function findPlaceholders(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => ({ text: match[0], ref: (match[1] ?? '').trim() }));
}

/** The reference when the whole string is one placeholder (the value then keeps its JSON type). */
export function wholePlaceholder(text: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(text)?.[1]?.trim();
}

/**
 * Replaces every placeholder in one pass: what `replacement` returns is never scanned again, so a
 * value that itself contains `{{…}}` is inserted literally.
 */
export function replacePlaceholders(text: string, replacement: (ref: string) => string): string {
  return text.replace(PLACEHOLDER, (_match, ref: string) => replacement(ref.trim()));
}

/** Replaces placeholders by a neutral token, leaving only what the author wrote literally. */
export function literalParts(text: string, token = 'x'): string {
  return text.replace(PLACEHOLDER, token);
}

/** References come from definitions, so the same few are parsed at every render: each is parsed once (the results are frozen: callers share them). */
const parsedReferences = new BoundedMemo(10_000, (ref: string) => deepFreeze(parseReferenceAnew(ref)));

export function parseReference(ref: string): ParsedReference {
  return parsedReferences.get(ref);
}

function deepFreeze(reference: ParsedReference): ParsedReference {
  if (reference.ok) Object.freeze(reference.segments);
  return Object.freeze(reference);
}

function parseReferenceAnew(ref: string): ParsedReference {
  if (ref === '') return { ok: false, problem: 'the placeholder is empty' };
  const segments = ref.split('.');
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment)) return { ok: false, problem: `the segment "${segment}" is not allowed` };
    if (!SEGMENT.test(segment)) {
      return { ok: false, problem: 'a reference is dotted names or array indexes (A-Z a-z 0-9 _ -), e.g. input.amount or steps.create.output.body.items.0.id; expressions, filters and calls are not supported' };
    }
  }
  return { ok: true, segments };
}

/** Looks a reference up by own properties only; never throws. */
export function resolveReference(segments: readonly string[], context: TemplateContext): ResolvedReference {
  const [root, ...path] = segments;
  if (root === undefined || !REFERENCE_ROOTS.includes(root)) return NOT_FOUND;
  const roots: JsonObject = context;
  let current: JsonValue | undefined = roots[root];
  for (const segment of path) {
    current = ownChild(current, segment);
    if (current === undefined) return NOT_FOUND;
  }
  return current === undefined ? NOT_FOUND : { found: true, value: current };
}

function ownChild(value: JsonValue | undefined, segment: string): JsonValue | undefined {
  if (FORBIDDEN_SEGMENTS.has(segment)) return undefined;
  if (Array.isArray(value)) return ARRAY_INDEX.test(segment) ? value[Number(segment)] : undefined;
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, segment)) return value[segment];
  return undefined;
}
