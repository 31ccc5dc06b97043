import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#core';
import type { TenantEvent } from '../../tenant.events.js';
import { resumeTenantDecider } from '../resume-tenant/resume-tenant.decide.js';
import { createTenantDecider } from '../create-tenant/create-tenant.decide.js';
import { suspendTenantDecider } from './suspend-tenant.decide.js';

const created: TenantEvent = { type: 'TenantCreated', data: { tenantId: 'acme', name: 'Acme' } };
const suspended: TenantEvent = { type: 'TenantSuspended', data: { tenantId: 'acme', reason: 'unpaid' } };
const resumed: TenantEvent = { type: 'TenantResumed', data: { tenantId: 'acme' } };
const given = (...events: TenantEvent[]) => events.reduce(suspendTenantDecider.evolve, suspendTenantDecider.initialState());
const codeOf = (act: () => unknown): string => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
  throw new Error('expected a refusal');
};

describe('suspend tenant', () => {
  it('given an active tenant, when suspended with a reason, then TenantSuspended with the trimmed reason', () => {
    expect(suspendTenantDecider.decide({ tenantId: 'acme', reason: '  unpaid invoices ' }, given(created))).toEqual([
      { type: 'TenantSuspended', data: { tenantId: 'acme', reason: 'unpaid invoices' } },
    ]);
  });

  it('given a resumed tenant, when suspended again, then TenantSuspended', () => {
    expect(suspendTenantDecider.decide({ tenantId: 'acme', reason: 'again' }, given(created, suspended, resumed))).toHaveLength(1);
  });

  it('refuses an unknown tenant, an already suspended one and a blank or overlong reason', () => {
    expect(codeOf(() => suspendTenantDecider.decide({ tenantId: 'acme', reason: 'x' }, given()))).toBe('tenant.not_found');
    expect(codeOf(() => suspendTenantDecider.decide({ tenantId: 'acme', reason: 'x' }, given(created, suspended)))).toBe('tenant.already_suspended');
    expect(codeOf(() => suspendTenantDecider.decide({ tenantId: 'acme', reason: '   ' }, given(created)))).toBe('tenant.invalid_reason');
    expect(codeOf(() => suspendTenantDecider.decide({ tenantId: 'acme', reason: 'x'.repeat(501) }, given(created)))).toBe('tenant.invalid_reason');
  });
});

describe('resume tenant', () => {
  it('given a suspended tenant, when resumed, then TenantResumed and the state is active with its name', () => {
    const events = resumeTenantDecider.decide({ tenantId: 'acme' }, given(created, suspended));
    expect(events).toEqual([resumed]);
    expect(events.reduce(resumeTenantDecider.evolve, given(created, suspended))).toEqual({ status: 'active', name: 'Acme' });
  });

  it('refuses an unknown tenant and one that is not suspended', () => {
    expect(codeOf(() => resumeTenantDecider.decide({ tenantId: 'acme' }, given()))).toBe('tenant.not_found');
    expect(codeOf(() => resumeTenantDecider.decide({ tenantId: 'acme' }, given(created)))).toBe('tenant.not_suspended');
    expect(codeOf(() => resumeTenantDecider.decide({ tenantId: 'acme' }, given(created, suspended, resumed)))).toBe('tenant.not_suspended');
  });
});

describe('create tenant', () => {
  it('refuses a tenant that exists, suspended or not', () => {
    expect(codeOf(() => createTenantDecider.decide({ tenantId: 'acme', name: 'x' }, given(created, suspended)))).toBe('tenant.exists');
  });
});
