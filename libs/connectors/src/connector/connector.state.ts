import type { JsonObject } from '#core';
import type { ConnectorEvent, SealedSecretData } from './connector.events.js';

export type ConnectorState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      name: string;
      description: string;
      config: JsonObject;
      /** The version new runs use; 0 while no secret was ever set. */
      currentSecretVersion: number;
      /** Versions that may still be opened: the current one and older ones some run still uses. */
      liveSecrets: Map<number, SealedSecretData>;
    };

export const initialConnectorState = (): ConnectorState => ({ status: 'unregistered' });

export function evolveConnector(state: ConnectorState, event: ConnectorEvent): ConnectorState {
  switch (event.type) {
    case 'ConnectorRegistered':
      return { status: 'registered', name: event.data.name, description: event.data.description, config: event.data.config, currentSecretVersion: 0, liveSecrets: new Map() };
    case 'ConnectorUpdated':
      return state.status === 'registered' ? { ...state, description: event.data.description, config: event.data.config } : state;
    case 'ConnectorSecretRotated':
      if (state.status !== 'registered') return state;
      return { ...state, currentSecretVersion: event.data.version, liveSecrets: new Map(state.liveSecrets).set(event.data.version, event.data.sealed) };
    case 'ConnectorSecretRetired': {
      if (state.status !== 'registered') return state;
      const liveSecrets = new Map(state.liveSecrets);
      liveSecrets.delete(event.data.version);
      return { ...state, liveSecrets };
    }
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

export const copyConnectorState = (state: ConnectorState): ConnectorState =>
  state.status === 'registered' ? { ...state, liveSecrets: new Map(state.liveSecrets) } : state;
