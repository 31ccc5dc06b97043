import { Global, Module } from '@nestjs/common';
import { READINESS_PROBE } from '#operations';
import { Readiness } from '../health/readiness.js';
import { DrainState } from './drain-state.js';

/** This process's drain state and readiness, for /readyz, the drain and the instance heartbeat alike (platform and workers). */
@Global()
@Module({
  providers: [DrainState, Readiness, { provide: READINESS_PROBE, useExisting: Readiness }],
  exports: [DrainState, Readiness, READINESS_PROBE],
})
export class LifecycleModule {}
