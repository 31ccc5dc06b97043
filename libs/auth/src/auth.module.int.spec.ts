import { describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ACCESS_TOKEN_KEYS, type AccessTokenKeySet } from './access-token-keys.port.js';
import { UnauthenticatedError } from './auth.errors.js';
import { AuthModule } from './auth.module.js';
import { GRANT_STATUS, type GrantStatus } from './grant-status.port.js';
import { inMemorySettings } from './testing/in-memory-settings.js';
import { ecKeyPair, publicJwk, signed, validClaims } from './testing/token-forge.js';
import { TokenVerifier } from './token-verifier.js';

const { settings, secret } = inMemorySettings();
const ec = ecKeyPair();
const jwks = { keys: [publicJwk(ec.publicKey, 'ec-1', 'ES256')] };
const keys: AccessTokenKeySet = { publicJwks: () => jwks };
const grants: GrantStatus = {
  assertActive: (principal) => {
    if (principal.grantId === 'revoked') throw new UnauthenticatedError('the grant was revoked', true);
  },
};

/** How the authorization server's module is meant to bind the ports: global, exporting the tokens. */
@Global()
@Module({ providers: [{ provide: ACCESS_TOKEN_KEYS, useValue: keys }, { provide: GRANT_STATUS, useValue: grants }], exports: [ACCESS_TOKEN_KEYS, GRANT_STATUS] })
class AuthorizationServerPortsModule {}

const accessToken = (grantId: string) =>
  signed(validClaims(settings.issuer, settings.resourceUrl, { grant_id: grantId }), ec.privateKey, 'ES256', 'ec-1', { typ: 'at+jwt' });

describe('AuthModule', () => {
  it('gives TokenVerifier the ACCESS_TOKEN_KEYS and GRANT_STATUS a global module exports', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(settings), AuthorizationServerPortsModule] }).compile();
    const verifier = moduleRef.get(TokenVerifier);
    await expect(verifier.verify(`Bearer ${accessToken('grant-1')}`)).resolves.toMatchObject({ grantId: 'grant-1' });
    await expect(verifier.verify(`Bearer ${accessToken('revoked')}`)).rejects.toMatchObject({ message: 'the grant was revoked' });
    await expect(verifier.verify(`Bearer ${signed(validClaims(settings.issuer, settings.resourceUrl), secret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
    await moduleRef.close();
  });

  it('works without them: only the configured issuer\'s tokens verify', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(settings)] }).compile();
    const verifier = moduleRef.get(TokenVerifier);
    await expect(verifier.verify(`Bearer ${accessToken('grant-1')}`)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verifier.verify(`Bearer ${signed(validClaims(settings.issuer, settings.resourceUrl), secret, 'HS256')}`)).resolves.toMatchObject({ userId: 'alice' });
    await moduleRef.close();
  });
});
