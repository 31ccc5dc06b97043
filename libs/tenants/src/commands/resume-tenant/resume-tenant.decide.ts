import type { Decider } from '#core';
import { TenantNotFoundError, TenantNotSuspendedError } from '../../tenant.errors.js';
import type { TenantEvent } from '../../tenant.events.js';
import { tenantFold, type TenantState } from '../../tenant.state.js';

export interface ResumeTenant {
  tenantId: string;
}

export const resumeTenantDecider: Decider<ResumeTenant, TenantState, TenantEvent> = {
  ...tenantFold,
  decide: ({ tenantId }, state) => {
    switch (state.status) {
      case 'absent':
        throw new TenantNotFoundError(tenantId);
      case 'active':
        throw new TenantNotSuspendedError(tenantId);
      case 'suspended':
        return [{ type: 'TenantResumed', data: { tenantId } }];
      default: {
        const unexpected: never = state;
        return unexpected;
      }
    }
  },
};
