/** Decides whether a verified caller's tenant may act now; throws a DomainError to refuse. */
export interface TenantAccessCheck {
  assertMayAct(tenantId: string): Promise<void>;
}

/**
 * Where the tenant registry plugs its check (suspension) into authentication, so that every
 * bearer-authenticated call (REST guard and /mcp) is refused alike. #auth cannot import the
 * registry (the registry's REST imports #auth); without a check plugged in, every tenant may act.
 */
export class TenantAccess {
  private check: TenantAccessCheck | undefined;

  enforce(check: TenantAccessCheck): void {
    this.check = check;
  }

  async assertMayAct(tenantId: string): Promise<void> {
    await this.check?.assertMayAct(tenantId);
  }
}
