import type { CommandMetadata } from '#core';
import { WrongExpectedVersionError, type EventStore } from '#event-store';
import { TenantExistsError } from '../../tenant.errors.js';
import { handleRegistryCommand } from '../registry-command.js';
import type { CreateTenantResult } from './create-tenant.command.js';
import { createTenantDecider } from './create-tenant.decide.js';

/** Registers a tenant; the REST API and the ops CLI both come here. */
export async function createTenant(store: EventStore, metadata: CommandMetadata, command: { tenantId: string; name: string }): Promise<CreateTenantResult> {
  try {
    await handleRegistryCommand(store, metadata, createTenantDecider, command);
  } catch (error) {
    // Two creations racing: the loser sees the stream the winner wrote.
    if (error instanceof WrongExpectedVersionError) throw new TenantExistsError(command.tenantId);
    throw error;
  }
  return { id: command.tenantId, name: command.name };
}
