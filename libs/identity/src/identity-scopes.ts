/** A person lists and revokes their own delegations (grants). */
export const GRANTS_MANAGE_SCOPE = 'grants:manage';
/** A tenant admin lists and revokes every grant of the tenant and disables clients for it. */
export const GRANTS_ADMIN_SCOPE = 'grants:admin';
/** A tenant admin registers the tenant's own clients (service principals, interactive apps) and lists them. */
export const CLIENTS_ADMIN_SCOPE = 'clients:admin';
