import type { TenantEvent } from './tenant.events.js';

export type TenantState =
  | { status: 'absent' }
  | { status: 'active'; name: string }
  | { status: 'suspended'; name: string; reason: string };

export const initialTenantState = (): TenantState => ({ status: 'absent' });

export function evolveTenant(state: TenantState, event: TenantEvent): TenantState {
  switch (event.type) {
    case 'TenantCreated':
      return { status: 'active', name: event.data.name };
    case 'TenantSuspended':
      return state.status === 'absent' ? state : { status: 'suspended', name: state.name, reason: event.data.reason };
    case 'TenantResumed':
      return state.status === 'absent' ? state : { status: 'active', name: state.name };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

/** How a tenant's registry stream folds: shared by its deciders and by readers (inspect). */
export const tenantFold = { initialState: initialTenantState, evolve: evolveTenant };
