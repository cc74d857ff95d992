import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { NodePairingService } from './node-pairing.service';
import { PairingRepository } from './pairing.repository';
import { PairingRpc } from './pairing.rpc';
import { PairingService } from './pairing.service';

@Module({
  imports: [GatewayCoreModule],
  providers: [NodePairingService, PairingRepository, PairingRpc, PairingService],
  exports: [PairingService],
})
export class PairingModule {}
