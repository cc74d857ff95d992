import { DynamicModule, Module } from '@nestjs/common';
import { GatewayRuntime } from '../gateway/gateway-runtime';
import { configSecrets } from './log-secrets';
import { LogsRpc } from './logs.rpc';
import { LogsService } from './logs.service';

@Module({})
export class LogsModule {
  /**
   * `logs` is the instance the gateway's logger already writes to (made before
   * Nest, so start-up lines are kept too); without one, a service for the
   * configured settings is made here.
   */
  static forRoot(logs?: LogsService): DynamicModule {
    return {
      module: LogsModule,
      providers: [
        logs
          ? { provide: LogsService, useValue: logs }
          : {
              provide: LogsService,
              inject: [GatewayRuntime],
              useFactory: (runtime: GatewayRuntime) =>
                new LogsService({ logging: runtime.config.gateway.logging, secrets: configSecrets(runtime.config) }),
            },
        LogsRpc,
      ],
      exports: [LogsService],
    };
  }
}
