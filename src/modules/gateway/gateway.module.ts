import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { Broadcaster } from './broadcaster';
import { ConnectionRegistry } from './connection/connection-registry';
import { HandshakeService } from './connection/handshake.service';
import { GatewaySocket } from './gateway.socket';
import { HelloSnapshotSource } from './hello-snapshot';
import { RpcDispatcher } from './rpc/rpc-dispatcher';
import { RpcRegistry } from './rpc/rpc-registry';
import { TickService } from './tick.service';

@Module({
  imports: [DiscoveryModule, AuthModule],
  providers: [
    Broadcaster,
    ConnectionRegistry,
    GatewaySocket,
    HandshakeService,
    HelloSnapshotSource,
    RpcDispatcher,
    RpcRegistry,
    TickService,
  ],
  exports: [Broadcaster, ConnectionRegistry, HelloSnapshotSource, RpcRegistry],
})
export class GatewayModule {}
