/** Registers connectors and sets their secrets: tenant administrators. */
export const CONNECTORS_ADMIN_SCOPE = 'connectors:admin';
/** Sees connector names and health, never their configuration or secrets: agents. */
export const CONNECTORS_READ_SCOPE = 'connectors:read';
