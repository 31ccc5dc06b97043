import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';

/** Cedar's decimal: at most 4 digits after the point, within ±922337203685477.5807. */
const DECIMAL = /^-?\d{1,15}\.\d{1,4}$/;
/** Keys Cedar's JSON value format reads as an entity reference or an extension value, never as data. */
const RESERVED_KEYS = new Set(['__entity', '__extn', '__expr']);

/** Arguments Cedar cannot take as data: the call fails closed (refused in enforce mode). */
export class UnrepresentableArgumentsError extends Error {}

/**
 * A tool call's JSON arguments as a Cedar value. Whole numbers are Longs and numbers with at most
 * four decimals Cedar decimals (`decimal("12.5")`, compared with `.greaterThan(...)`); any other
 * number becomes the text of its JSON form. Arrays become sets (order and duplicates are lost).
 * `null` has no Cedar value: a record attribute that is null is left out (`has` is false), a null
 * in an array is dropped. A record with a key Cedar's format reserves (`__entity`, `__extn`,
 * `__expr`) would be read as a reference, not data: it is refused rather than reinterpreted.
 */
export function toCedarValue(value: unknown): CedarValueJson | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return cedarNumber(value);
  if (Array.isArray(value)) return value.map(toCedarValue).filter((item): item is CedarValueJson => item !== undefined);
  if (typeof value === 'object') {
    const record: Record<string, CedarValueJson> = {};
    for (const [key, item] of Object.entries(value)) {
      if (RESERVED_KEYS.has(key)) throw new UnrepresentableArgumentsError(`an argument record has the key ${key}, which Cedar reserves`);
      const converted = toCedarValue(item);
      if (converted !== undefined) record[key] = converted;
    }
    return record;
  }
  throw new UnrepresentableArgumentsError(`an argument of type ${typeof value} has no Cedar value`);
}

function cedarNumber(value: number): CedarValueJson {
  if (Number.isSafeInteger(value)) return value;
  const text = String(value);
  return DECIMAL.test(text) ? { __extn: { fn: 'decimal', arg: text } } : text;
}
