/** Binds the resolved `AuthSettings`. */
export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
/** Binds the `AuthOptions` given to `AuthModule.forRoot`. */
export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** Advertised as `scopes_supported` in the protected-resource metadata. */
  scopesSupported?: readonly string[];
}
