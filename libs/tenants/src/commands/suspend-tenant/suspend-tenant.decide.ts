import type { Decider } from '#core';
import { InvalidSuspensionReasonError, TenantAlreadySuspendedError, TenantNotFoundError } from '../../tenant.errors.js';
import type { TenantEvent } from '../../tenant.events.js';
import { tenantFold, type TenantState } from '../../tenant.state.js';

export interface SuspendTenant {
  tenantId: string;
  reason: string;
}

export const MAX_SUSPENSION_REASON = 500;

export const suspendTenantDecider: Decider<SuspendTenant, TenantState, TenantEvent> = {
  ...tenantFold,
  decide: ({ tenantId, reason }, state) => {
    const trimmed = reason.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_SUSPENSION_REASON) throw new InvalidSuspensionReasonError();
    switch (state.status) {
      case 'absent':
        throw new TenantNotFoundError(tenantId);
      case 'suspended':
        throw new TenantAlreadySuspendedError(tenantId);
      case 'active':
        return [{ type: 'TenantSuspended', data: { tenantId, reason: trimmed } }];
      default: {
        const unexpected: never = state;
        return unexpected;
      }
    }
  },
};
