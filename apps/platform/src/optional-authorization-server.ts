import type { Provider } from '@nestjs/common';
import { ConsoleRoutes } from '#console/nest';
import { AuthorizationServer } from '#identity/nest';

/** The built-in authorization server when this platform runs it, else undefined; configureApp mounts its routes. */
export const OPTIONAL_AUTHORIZATION_SERVER = Symbol('OPTIONAL_AUTHORIZATION_SERVER');

export const optionalAuthorizationServer: Provider = {
  provide: OPTIONAL_AUTHORIZATION_SERVER,
  inject: [{ token: AuthorizationServer, optional: true }],
  useFactory: (server?: AuthorizationServer) => server ?? null,
};

/** The console's routes when the authorization server is on (people sign in through it), else undefined. */
export const OPTIONAL_CONSOLE = Symbol('OPTIONAL_CONSOLE');

export const optionalConsole: Provider = {
  provide: OPTIONAL_CONSOLE,
  inject: [{ token: ConsoleRoutes, optional: true }],
  useFactory: (routes?: ConsoleRoutes) => routes ?? null,
};
