import { ValidationError } from '#core';

export const CONNECTOR_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export function connectorStreamId(name: string): string {
  return `connector-${name}`;
}

export function assertConnectorName(name: string): void {
  if (!CONNECTOR_NAME.test(name)) throw new ValidationError('connector.invalid_name', 'a connector name is 1-63 characters of a-z, 0-9, _ and -, starting with a letter', { name });
}

/** The secret's encryption context: a sealed value only opens for this tenant, connector and version. */
export function secretContext(name: string, version: number): string {
  return `connector/${name}/v${version}`;
}
