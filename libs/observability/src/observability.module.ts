import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { OBSERVABILITY_SETTINGS, type ObservabilitySettings } from './observability.settings.js';

/** The HTTP side of observability: the Prometheus scrape endpoint. */
@Module({})
export class ObservabilityModule {
  static forRoot(settings: ObservabilitySettings = {}): DynamicModule {
    return { module: ObservabilityModule, controllers: [MetricsController], providers: [{ provide: OBSERVABILITY_SETTINGS, useValue: settings }] };
  }
}
