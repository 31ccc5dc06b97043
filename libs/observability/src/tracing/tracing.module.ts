import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { TracingSettings } from './otel-config.js';
import { NO_TRACING, startTracing, type Tracing } from './start-tracing.js';

export const TRACING = Symbol('TRACING');

/** Flushes the spans still batched when the app closes (SIGTERM with shutdown hooks), after the other modules stopped. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/** Traces of the process: on with settings (OTLP export), else the no-op OpenTelemetry API (no provider, nothing recorded). */
@Module({})
export class TracingModule {
  static forRoot(settings: TracingSettings | undefined): DynamicModule {
    return {
      module: TracingModule,
      global: true,
      providers: [{ provide: TRACING, useFactory: () => (settings ? startTracing(settings) : NO_TRACING) }, TracingShutdown],
      exports: [TRACING],
    };
  }
}
