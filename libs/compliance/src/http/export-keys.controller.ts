import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ExportJwks } from '../signing/ed25519-jwk.js';
import { EXPORT_SIGNING_KEY, type ExportSigningKey } from '../signing/export-signing-key.js';
import { EXPORT_KEYS_PATH } from './export-keys-path.js';

/** The public key that signs exports, as a JWKS: public, so anyone holding an export can verify it. */
@ApiTags('compliance')
@Controller()
export class ExportKeysController {
  constructor(@Inject(EXPORT_SIGNING_KEY) private readonly key: ExportSigningKey) {}

  @Get(EXPORT_KEYS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JWKS of the Ed25519 export signing key (kid = RFC 7638 thumbprint)' })
  get(): ExportJwks {
    return this.key.jwks();
  }
}
