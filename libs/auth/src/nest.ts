// The resource server's Nest side: its module, guards, interceptor, decorators and the RFC 9728 metadata controller; the rest (token verification included) is in '#auth'.
export { BearerAuthGuard } from './bearer-auth.guard.js';
export { REQUIRED_SCOPES, RequireScopes } from './require-scopes.decorator.js';
export { ScopesGuard } from './scopes.guard.js';
export { OriginGuard } from './origin.guard.js';
export { PrincipalContextInterceptor } from './principal-context.interceptor.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { Authenticated } from './authenticated.decorator.js';
export { ProtectedResourceController } from './protected-resource.controller.js';
export { AuthModule } from './auth.module.js';
export { CallerMetadata } from './caller-metadata.decorator.js';
