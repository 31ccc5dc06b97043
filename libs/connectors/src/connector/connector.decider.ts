import type { Decider } from '#core';
import { decideRegisterConnector, type RegisterConnector } from './commands/register-connector/register-connector.decide.js';
import { decideRetireSecretVersion, type RetireSecretVersion } from './commands/retire-secret-version/retire-secret-version.decide.js';
import { decideSetConnectorSecret, type SetConnectorSecret } from './commands/set-connector-secret/set-connector-secret.decide.js';
import type { ConnectorEvent } from './connector.events.js';
import { copyConnectorState, evolveConnector, initialConnectorState, type ConnectorState } from './connector.state.js';

/** How a connector's stream folds: shared by its deciders and its readers (one state cache). */
export const connectorFold = { initialState: initialConnectorState, evolve: evolveConnector, copy: copyConnectorState };
const base = connectorFold;

export const registerConnectorDecider: Decider<RegisterConnector, ConnectorState, ConnectorEvent> = { ...base, decide: decideRegisterConnector };
export const setConnectorSecretDecider: Decider<SetConnectorSecret, ConnectorState, ConnectorEvent> = { ...base, decide: decideSetConnectorSecret };
export const retireSecretVersionDecider: Decider<RetireSecretVersion, ConnectorState, ConnectorEvent> = { ...base, decide: decideRetireSecretVersion };
