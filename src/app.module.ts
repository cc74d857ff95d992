import { DynamicModule, Module } from '@nestjs/common';
import { AgentModule } from './modules/agent/agent.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { BrowserModule } from './modules/browser/browser.module';
import { ChannelsModule } from './modules/channels/channels.module';
import { ControlUiModule } from './modules/control-ui/control-ui.module';
import { GatewayModule } from './modules/gateway/gateway.module';
import { GatewayConfigModule } from './modules/config/config.module';
import { RuntimeConfigModule, RuntimeConfigOptions } from './modules/config/runtime-config.module';
import { HealthModule } from './modules/health/health.module';
import { LogsModule } from './modules/logs/logs.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { NodesModule } from './modules/nodes/nodes.module';
import { StateModule } from './modules/state/state.module';
import { TailscaleModule } from './modules/tailscale/tailscale.module';

export type AppModuleOptions = RuntimeConfigOptions;

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeConfigModule.forRoot(options),
        StateModule,
        GatewayModule,
        HealthModule,
        SessionsModule,
        NodesModule,
        ApprovalsModule,
        AgentModule,
        BrowserModule,
        TailscaleModule,
        ChannelsModule,
        ControlUiModule,
        LogsModule,
        GatewayConfigModule,
      ],
    };
  }
}
