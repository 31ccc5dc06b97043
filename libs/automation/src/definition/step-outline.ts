/**
 * A step as the cross-step checks read it: straight from the raw JSON, field by field, so that a
 * step with one malformed field still has its references, jumps and connectors checked, and one
 * publish attempt reports everything.
 */
export interface StepOutline {
  index: number;
  id: string | undefined;
  type: string | undefined;
  fields: Readonly<Record<string, unknown>>;
}

export function outlineStep(raw: unknown, index: number): StepOutline {
  const fields = isRecord(raw) ? raw : {};
  return { index, id: stringField(fields, 'id'), type: stringField(fields, 'type'), fields };
}

export function stepPath(index: number, ...rest: ReadonlyArray<string | number>): string {
  return ['steps', index, ...rest].join('.');
}

export function stringField(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

export function recordField(record: Readonly<Record<string, unknown>>, key: string): Readonly<Record<string, unknown>> | undefined {
  const value = record[key];
  return isRecord(value) ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
