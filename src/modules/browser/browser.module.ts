import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { NodesModule } from '../nodes/nodes.module';
import { BrowserMediaRepository } from './browser-media.repository';
import { BrowserMediaRpc } from './browser-media.rpc';
import { BrowserRpc } from './browser.rpc';
import { BrowserService } from './browser.service';

@Module({
  imports: [GatewayCoreModule, NodesModule],
  providers: [BrowserMediaRepository, BrowserMediaRpc, BrowserRpc, BrowserService],
  exports: [BrowserMediaRepository, BrowserService],
})
export class BrowserModule {}
