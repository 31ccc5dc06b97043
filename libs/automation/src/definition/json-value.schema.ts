import { z } from 'zod';
import { assertJsonValue, type JsonValue } from '#core';

function isJsonValue(value: unknown): value is JsonValue {
  try {
    assertJsonValue(value);
    return true;
  } catch {
    return false;
  }
}

export const jsonValueSchema = z.custom<JsonValue>(isJsonValue, {
  error: (issue) => (issue.input === undefined ? 'required (a JSON value)' : 'must be plain JSON: strings, finite numbers, booleans, null, arrays and objects'),
});
