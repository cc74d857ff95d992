import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { PairingModule } from '../pairing/pairing.module';
import { NodeCommandPolicy } from './node-command-policy';
import { NodeRegistry } from './node-registry';
import { NodesRpc } from './nodes.rpc';
import { NodesService } from './nodes.service';

@Module({
  imports: [GatewayCoreModule, PairingModule],
  providers: [NodeCommandPolicy, NodeRegistry, NodesRpc, NodesService],
  exports: [NodesService],
})
export class NodesModule {}
