import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayAuthSettings } from '../auth/gateway-auth-settings';
import { GatewayRuntime } from './gateway-runtime';

export interface RuntimeConfigOptions {
  runtime: GatewayRuntime;
  auth: GatewayAuthSettings;
  clock?: Clock;
}

/**
 * Process-wide values made before Nest starts: the validated config, the effective secret and the clock.
 * It sits below every feature module (the gateway included), so nothing needs the gateway to read its settings.
 */
@Global()
@Module({})
export class RuntimeConfigModule {
  static forRoot(options: RuntimeConfigOptions): DynamicModule {
    return {
      module: RuntimeConfigModule,
      providers: [
        { provide: GatewayRuntime, useValue: options.runtime },
        { provide: GatewayAuthSettings, useValue: options.auth },
        { provide: Clock, useValue: options.clock ?? new Clock() },
      ],
      exports: [GatewayRuntime, GatewayAuthSettings, Clock],
    };
  }
}
