import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PairingModule } from '../pairing/pairing.module';
import { HandshakeService } from './connection/handshake.service';
import { GatewayCoreModule } from './gateway-core.module';
import { GatewaySocket } from './gateway.socket';
import { RpcDispatcher } from './rpc/rpc-dispatcher';
import { TickService } from './tick.service';

@Module({
  imports: [GatewayCoreModule, AuthModule, PairingModule],
  providers: [GatewaySocket, HandshakeService, RpcDispatcher, TickService],
})
export class GatewayModule {}
