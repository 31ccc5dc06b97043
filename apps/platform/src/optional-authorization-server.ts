import type { Provider } from '@nestjs/common';
import { AuthorizationServer } from '#identity';

/** The built-in authorization server when this platform runs it, else undefined; configureApp mounts its routes. */
export const OPTIONAL_AUTHORIZATION_SERVER = Symbol('OPTIONAL_AUTHORIZATION_SERVER');

export const optionalAuthorizationServer: Provider = {
  provide: OPTIONAL_AUTHORIZATION_SERVER,
  inject: [{ token: AuthorizationServer, optional: true }],
  useFactory: (server?: AuthorizationServer) => server ?? null,
};
