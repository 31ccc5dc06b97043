import { CommandBus } from '@nestjs/cqrs';
import { PLATFORM_TENANT, TenantExistsError } from '#tenants';
import { CreateTenantCommand } from '#tenants/nest';

/** With the dev issuer, the platform has a tenant to try things with from its first start. */
export const DEMO_TENANT = 'demo';

export async function createDemoTenant(commandBus: CommandBus): Promise<void> {
  const metadata = { tenantId: PLATFORM_TENANT, userId: 'ledgerline', clientId: 'ledgerline-platform', scopes: [], correlationId: 'demo-tenant' };
  await commandBus.execute(new CreateTenantCommand(metadata, DEMO_TENANT, 'Demo tenant')).catch((error: unknown) => {
    if (!(error instanceof TenantExistsError)) throw error;
  });
}
