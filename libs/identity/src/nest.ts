// The authorization server's Nest side: its module (oidc-provider, sign-in, consent, grants, clients), the AuthorizationServer service, the workers' assertion-signing module.
export { IdentityModule, IDENTITY_STORE } from './identity.module.js';
export { AuthorizationServer, type GrantPage, type GrantQuery, type RevokeContext } from './authorization-server.service.js';
export { AssertionSigningModule } from './assertion-signing.module.js';
