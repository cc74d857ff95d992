import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Clock } from './common/clock';
import type { ResolvedConfig } from './common/config';
import { AgentModule } from './modules/agent/agent.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { GatewayAuthSettings } from './modules/auth/gateway-auth-settings';
import { ChannelsModule } from './modules/channels/channels.module';
import { ControlUiModule } from './modules/control-ui/control-ui.module';
import { GatewayModule } from './modules/gateway/gateway.module';
import { GatewayRuntime } from './modules/gateway/gateway-runtime';
import { HealthModule } from './modules/health/health.module';
import { LogsModule } from './modules/logs/logs.module';
import type { LogsService } from './modules/logs/logs.service';
import { SessionsModule } from './modules/sessions/sessions.module';
import { NodesModule } from './modules/nodes/nodes.module';
import { StateModule } from './modules/state/state.module';
import { TailscaleModule } from './modules/tailscale/tailscale.module';

export interface AppModuleOptions {
  runtime: GatewayRuntime;
  auth: GatewayAuthSettings;
  clock?: Clock;
  /** The log the gateway's logger writes to; made from the config when absent. */
  logs?: LogsService;
}

/** Process-wide values made before Nest starts: the validated config and the effective secret. */
@Global()
@Module({})
class RuntimeModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: GatewayRuntime, useValue: options.runtime },
        { provide: GatewayAuthSettings, useValue: options.auth },
        { provide: Clock, useValue: options.clock ?? new Clock() },
      ],
      exports: [GatewayRuntime, GatewayAuthSettings, Clock],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const config: ResolvedConfig = options.runtime.config;
    return {
      module: AppModule,
      imports: [
        // Config was read and validated by loadConfig before Nest existed; expose it, read no env again.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...config })] }),
        RuntimeModule.forRoot(options),
        StateModule,
        GatewayModule,
        HealthModule,
        SessionsModule,
        NodesModule,
        ApprovalsModule,
        AgentModule,
        TailscaleModule,
        ChannelsModule,
        ControlUiModule,
        LogsModule.forRoot(options.logs),
      ],
    };
  }
}
