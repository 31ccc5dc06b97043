/**
 * The platform's own records (the tenant registry) live under this tenant id. It is never a
 * customer tenant: no token may name it and no tenant may be created with it.
 */
export const PLATFORM_TENANT = 'ledgerline-platform';
