import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata, Decider, DomainEvent } from '#core';
import { ValidationError } from '#core';
import { EVENT_STORE, handleCommand, loadStream, type EventStore } from '#event-store';

/**
 * What a tenant does with sensitive calls from clients that cannot ask the person to confirm:
 * `refuse` (the default) or `allow` (they run unconfirmed). "Cannot ask" is every 2025-era client
 * (stateless: whether one would follow a URL elicitation is unknowable) and every 2026-07-28 client
 * that declares no elicitation. Clients that can ask are always asked.
 */
export type UnconfirmableClients = 'refuse' | 'allow';
export type ConfirmationPolicySet = DomainEvent<'ConfirmationPolicySet', { unconfirmableClients: UnconfirmableClients }>;

export const CONFIRMATION_POLICY_STREAM = 'mcp-confirmation-policy';
/** Who may change it: the tenant's admin of what applications may do. */
export const CONFIRMATION_POLICY_SCOPE = 'grants:admin';

interface PolicyState {
  unconfirmableClients: UnconfirmableClients;
}

export function parseUnconfirmableClients(value: unknown): UnconfirmableClients {
  if (value === 'refuse' || value === 'allow') return value;
  throw new ValidationError('confirmation.invalid_policy', "unconfirmableClients must be 'refuse' or 'allow'", { issues: [{ path: 'unconfirmableClients', message: "'refuse' or 'allow'" }] });
}

/** Setting what the tenant already has appends nothing. */
const policyDecider: Decider<PolicyState, PolicyState, ConfirmationPolicySet> = {
  initialState: () => ({ unconfirmableClients: 'refuse' }),
  evolve: (_state, event) => ({ unconfirmableClients: event.data.unconfirmableClients }),
  copy: (state) => ({ ...state }),
  decide: (command, state) => (command.unconfirmableClients === state.unconfirmableClients ? [] : [{ type: 'ConfirmationPolicySet', data: { unconfirmableClients: command.unconfirmableClients } }]),
};

@Injectable()
export class ConfirmationPolicy {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The tenant's policy, from its stream in the log (cached state + tail): one short read per sensitive call. */
  async of(tenantId: string): Promise<UnconfirmableClients> {
    return (await loadStream(this.store, tenantId, CONFIRMATION_POLICY_STREAM, policyDecider)).state.unconfirmableClients;
  }

  /** Sets the caller's tenant's policy (the tenant from the metadata, never from arguments). */
  async set(metadata: CommandMetadata, value: unknown): Promise<{ unconfirmableClients: UnconfirmableClients; changed: boolean }> {
    const unconfirmableClients = parseUnconfirmableClients(value);
    const { append, state } = await handleCommand(this.store, metadata, CONFIRMATION_POLICY_STREAM, policyDecider, { unconfirmableClients }, { unconfirmableClients });
    return { unconfirmableClients: state.unconfirmableClients, changed: append !== undefined };
  }
}
