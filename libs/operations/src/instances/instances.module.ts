import { Module, type DynamicModule } from '@nestjs/common';
import { INSTANCE_HEARTBEAT_SETTINGS, InstanceHeartbeat, type InstanceHeartbeatSettings } from './instance-heartbeat.js';
import { InstanceRegistry } from './instance-registry.js';

/**
 * The instance registry and this process's heartbeat in it: every process imports it (the
 * platform and the workers), and binds READINESS_PROBE globally for it.
 */
@Module({})
export class InstancesModule {
  static forRoot(settings: InstanceHeartbeatSettings): DynamicModule {
    return {
      module: InstancesModule,
      providers: [{ provide: INSTANCE_HEARTBEAT_SETTINGS, useValue: settings }, InstanceRegistry, InstanceHeartbeat],
      exports: [InstanceRegistry],
    };
  }
}
