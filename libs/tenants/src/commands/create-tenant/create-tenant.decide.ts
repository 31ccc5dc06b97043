import type { Decider } from '#core';
import { ReservedTenantIdError, TenantExistsError } from '../../tenant.errors.js';
import { PLATFORM_TENANT, type TenantEvent } from '../../tenant.events.js';
import type { CreateTenantCommand } from './create-tenant.command.js';

export type TenantState = { status: 'absent' } | { status: 'active'; name: string };

export const createTenantDecider: Decider<Pick<CreateTenantCommand, 'tenantId' | 'name'>, TenantState, TenantEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'TenantCreated':
        return { status: 'active', name: event.data.name };
      default: {
        const unexpected: never = event.type;
        return unexpected;
      }
    }
  },
  decide: ({ tenantId, name }, state) => {
    if (tenantId === PLATFORM_TENANT) throw new ReservedTenantIdError(tenantId);
    if (state.status !== 'absent') throw new TenantExistsError(tenantId);
    return [{ type: 'TenantCreated', data: { tenantId, name } }];
  },
};
