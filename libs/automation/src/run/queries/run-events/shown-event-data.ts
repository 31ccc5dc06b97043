import type { JsonObject, JsonValue } from '#core';
import { isSealedPersonalData } from '#keys';
import { FINAL_RUN_EVENTS } from '../../run.events.js';

/** What a sealed value reads as where it is shown without being opened. */
export const SEALED = Object.freeze({ sealed: true as const });

/**
 * A run event's data as a timeline may show it to whoever may read the run: every sealed value
 * (personal data sealed per user, or anything shaped like a sealed secret) becomes SEALED, never
 * ciphertext; the run's input too, sealed or not (older events hold it plain), since no read of a
 * run exposes its input. Outputs and prompts are read opened where they are meant to be (run_get,
 * approvals), not here; nor is a final event's shadow comparison, which is the shadow report's
 * (automations:admin), not the run reader's.
 */
export function shownEventData(type: string, data: JsonValue): JsonObject {
  const shown = withoutSealed(data);
  const object = typeof shown === 'object' && shown !== null && !Array.isArray(shown) ? shown : { value: shown };
  if (type === 'RunStarted' && 'input' in object) return { ...object, input: SEALED };
  if (FINAL_RUN_EVENTS.has(type as never) && 'shadow' in object) {
    const { shadow: _comparison, ...rest } = object;
    return rest;
  }
  return object;
}

function withoutSealed(value: JsonValue): JsonValue {
  if (isSealedPersonalData(value) || looksSealed(value)) return SEALED;
  if (Array.isArray(value)) return value.map(withoutSealed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutSealed(item as JsonValue)]));
}

/** Sealed data a little off its shape, or a SealedSecret's fields (connector secrets never belong in run events, and would not show if one did). */
function looksSealed(value: JsonValue): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('$sealed' in value || ['ciphertext', 'iv', 'tag'].every((field) => field in value));
}
