import { Controller, Get, Header, Inject } from '@nestjs/common';
import { PROTECTED_RESOURCE_METADATA_PATH, MCP_PATH } from './auth-config.js';
import { AUTH_OPTIONS, AUTH_SETTINGS, type AuthOptions } from './auth.tokens.js';
import type { AuthSettings } from './auth.settings.js';
import { protectedResourceMetadata, type ProtectedResourceMetadata } from './protected-resource-metadata.js';

/**
 * RFC 9728 metadata, public (clients read it before they have a token). MCP clients try the path
 * of the MCP endpoint first, then the root; both answer the same document.
 */
@Controller()
export class ProtectedResourceController {
  private readonly metadata: ProtectedResourceMetadata;

  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings, @Inject(AUTH_OPTIONS) options: AuthOptions) {
    this.metadata = protectedResourceMetadata(settings, options.scopesSupported ?? []);
  }

  @Get([PROTECTED_RESOURCE_METADATA_PATH, `${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`])
  @Header('Cache-Control', 'public, max-age=300')
  get(): ProtectedResourceMetadata {
    return this.metadata;
  }
}
