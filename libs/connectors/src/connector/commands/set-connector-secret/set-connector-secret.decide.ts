import { ConflictError } from '#core';
import type { ConnectorEvent, SealedSecretData } from '../../connector.events.js';
import { ConnectorNotFoundError } from '../../connector.errors.js';
import type { ConnectorState } from '../../connector.state.js';

export interface SetConnectorSecret {
  name: string;
  version: number;
  sealed: SealedSecretData;
}

export function decideSetConnectorSecret(command: SetConnectorSecret, state: ConnectorState): ConnectorEvent[] {
  if (state.status === 'unregistered') throw new ConnectorNotFoundError(command.name);
  if (command.version !== state.currentSecretVersion + 1) {
    throw new ConflictError('connector.secret_rotated_concurrently', `the secret of ${command.name} was rotated meanwhile; set it again`, { connector: command.name });
  }
  return [{ type: 'ConnectorSecretRotated', data: { name: command.name, version: command.version, sealed: command.sealed } }];
}
