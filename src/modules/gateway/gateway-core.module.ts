import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Broadcaster } from './broadcaster';
import { ConnectionRegistry } from './connection/connection-registry';
import { HelloSnapshotSource } from './hello-snapshot';
import { RpcRegistry } from './rpc/rpc-registry';

/**
 * What feature modules need from the gateway (live connections, broadcast,
 * the method registry) without the socket endpoint, which in turn needs
 * them (pairing gates the handshake): this split keeps the graph acyclic.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [Broadcaster, ConnectionRegistry, HelloSnapshotSource, RpcRegistry],
  exports: [Broadcaster, ConnectionRegistry, HelloSnapshotSource, RpcRegistry],
})
export class GatewayCoreModule {}
