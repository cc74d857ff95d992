import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { ConfigFileRepository } from './config-file.repository';
import { ConfigRpc } from './config.rpc';
import { ConfigService } from './config.service';

/** config.* methods and hot reload; the config itself (GatewayRuntime) is global, from RuntimeConfigModule. */
@Module({
  imports: [GatewayCoreModule],
  providers: [ConfigFileRepository, ConfigRpc, ConfigService],
  exports: [ConfigService],
})
export class GatewayConfigModule {}
