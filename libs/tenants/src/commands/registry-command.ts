import type { CommandMetadata, Decider } from '#core';
import { assertTenantId, handleCommand, type EventStore } from '#event-store';
import { PLATFORM_TENANT, tenantStreamId, type TenantEvent } from '../tenant.events.js';
import type { TenantState } from '../tenant.state.js';

/**
 * Runs a command on one tenant's registry stream. The registry is the platform's: whoever asks
 * (an admin token of some tenant, the ops CLI), it is written under the platform tenant.
 */
export async function handleRegistryCommand<Command extends { tenantId: string }>(
  store: EventStore,
  metadata: CommandMetadata,
  decider: Decider<Command, TenantState, TenantEvent>,
  command: Command,
): Promise<TenantState> {
  assertTenantId(command.tenantId);
  const { state } = await handleCommand(store, { ...metadata, tenantId: PLATFORM_TENANT }, tenantStreamId(command.tenantId), decider, command, { ...command });
  return state;
}
