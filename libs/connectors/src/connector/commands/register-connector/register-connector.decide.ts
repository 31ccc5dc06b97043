import type { JsonObject } from '#core';
import { canonicalJson } from '#event-store';
import type { ConnectorEvent } from '../../connector.events.js';
import type { ConnectorState } from '../../connector.state.js';

/** Registering what is already registered changes nothing; a different config is an update. */
export interface RegisterConnector {
  name: string;
  description: string;
  config: JsonObject;
}

export function decideRegisterConnector(command: RegisterConnector, state: ConnectorState): ConnectorEvent[] {
  const data = { name: command.name, description: command.description, config: command.config };
  if (state.status === 'unregistered') return [{ type: 'ConnectorRegistered', data }];
  if (state.description === data.description && canonicalJson(state.config) === canonicalJson(data.config)) return [];
  return [{ type: 'ConnectorUpdated', data }];
}
