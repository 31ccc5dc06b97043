/**
 * The built platform (apps/platform/src/main.ts, as it is) with an on-behalf-of assertion signer
 * bound, for system tests while the platform's own authorization server binds none yet: a global
 * module provides ASSERTION_SIGNER, a JoseAssertionSigner for LEDGERLINE_TEST_ASSERTION_ISSUER that
 * reads the current private JWK from LEDGERLINE_TEST_ASSERTION_KEY_FILE at each call. Test support
 * only (PLATFORM_WITH_ASSERTION_SIGNER_MAIN): it wraps AppModule.forRoot before main.ts runs.
 */
import { readFileSync } from 'node:fs';
import { Global, Module } from '@nestjs/common';
import type { JWK } from 'jose';
import { ASSERTION_SIGNER, JoseAssertionSigner } from '#connectors';
import { AppModule } from '../../apps/platform/src/app.module.js';

const issuer = process.env.LEDGERLINE_TEST_ASSERTION_ISSUER;
const keyFile = process.env.LEDGERLINE_TEST_ASSERTION_KEY_FILE;
if (issuer === undefined || keyFile === undefined) throw new Error('set LEDGERLINE_TEST_ASSERTION_ISSUER and LEDGERLINE_TEST_ASSERTION_KEY_FILE');

@Global()
@Module({
  providers: [{ provide: ASSERTION_SIGNER, useFactory: () => new JoseAssertionSigner(issuer, () => JSON.parse(readFileSync(keyFile, 'utf8')) as JWK) }],
  exports: [ASSERTION_SIGNER],
})
class TestAssertionSignerModule {}

const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (env) => {
  const app = forRoot(env);
  return { ...app, imports: [...(app.imports ?? []), TestAssertionSignerModule] };
};
await import('../../apps/platform/src/main.js');
