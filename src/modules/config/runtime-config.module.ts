import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { configSourceFromProcess } from '../../common/config';
import { GatewayAuthSettings } from '../auth/gateway-auth-settings';
import { gatewaySecrets } from '../logs/log-secrets';
import { LogsService } from '../logs/logs.service';
import { GatewayLifecycle } from './gateway-lifecycle';
import { GatewayRuntime } from './gateway-runtime';

export interface RuntimeConfigOptions {
  runtime: GatewayRuntime;
  /** Without one (tests that only build the module graph) config edits resolve with this process's environment and no restart. */
  lifecycle?: GatewayLifecycle;
  auth: GatewayAuthSettings;
  clock?: Clock;
  ids?: IdSource;
  /** The log the gateway's logger writes to (made before Nest, so start-up lines are kept); made from the config when absent. */
  logs?: LogsService;
}

/**
 * Process-wide values made before Nest starts: the validated config, the effective secret, the clock, the id source and the log.
 * It sits below every feature module (the gateway included), so nothing needs the gateway to read its settings.
 */
@Global()
@Module({})
export class RuntimeConfigModule {
  static forRoot(options: RuntimeConfigOptions): DynamicModule {
    const clock = options.clock ?? new Clock();
    return {
      module: RuntimeConfigModule,
      providers: [
        { provide: GatewayRuntime, useValue: options.runtime },
        { provide: GatewayLifecycle, useValue: options.lifecycle ?? new GatewayLifecycle(configSourceFromProcess()) },
        { provide: GatewayAuthSettings, useValue: options.auth },
        { provide: Clock, useValue: clock },
        { provide: IdSource, useValue: options.ids ?? new IdSource() },
        {
          provide: LogsService,
          useValue:
            options.logs ??
            new LogsService({
              logging: options.runtime.config.gateway.logging,
              secrets: gatewaySecrets(options.runtime.config, options.auth.secret),
              now: () => clock.now(),
            }),
        },
      ],
      exports: [GatewayRuntime, GatewayLifecycle, GatewayAuthSettings, Clock, IdSource, LogsService],
    };
  }
}
