import type { Decider } from '#core';
import { InvalidTenantNameError, ReservedTenantIdError, TenantExistsError } from '../../tenant.errors.js';
import { PLATFORM_TENANT, type TenantEvent } from '../../tenant.events.js';
import { tenantFold, type TenantState } from '../../tenant.state.js';
import type { CreateTenantCommand } from './create-tenant.command.js';

export type { TenantState } from '../../tenant.state.js';

export const createTenantDecider: Decider<Pick<CreateTenantCommand, 'tenantId' | 'name'>, TenantState, TenantEvent> = {
  ...tenantFold,
  decide: ({ tenantId, name }, state) => {
    if (tenantId === PLATFORM_TENANT) throw new ReservedTenantIdError(tenantId);
    if (name.trim().length === 0 || name.length > 200) throw new InvalidTenantNameError();
    if (state.status !== 'absent') throw new TenantExistsError(tenantId);
    return [{ type: 'TenantCreated', data: { tenantId, name } }];
  },
};
