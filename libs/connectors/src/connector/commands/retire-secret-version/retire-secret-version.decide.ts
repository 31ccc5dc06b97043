import type { ConnectorEvent } from '../../connector.events.js';
import type { ConnectorState } from '../../connector.state.js';

/** The current version is never retired; a version already retired stays so. */
export interface RetireSecretVersion {
  name: string;
  version: number;
}

export function decideRetireSecretVersion(command: RetireSecretVersion, state: ConnectorState): ConnectorEvent[] {
  if (state.status !== 'registered' || command.version === state.currentSecretVersion || !state.liveSecrets.has(command.version)) return [];
  return [{ type: 'ConnectorSecretRetired', data: { name: command.name, version: command.version } }];
}
