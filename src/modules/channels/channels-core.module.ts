import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelRegistry } from './channel-registry';
import { ChannelDelivery } from './outbox/channel-delivery.service';
import { ChannelOutbox } from './outbox/channel-outbox.service';
import { OutboxRepository } from './outbox/outbox.repository';

/**
 * What other modules may use of the channels without pulling in the router
 * (which needs the agent): the registry (health reads it) and delivery (an
 * agent run asked to deliver its answer uses it). Keeps the graph acyclic.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [ChannelRegistry, ChannelOutbox, ChannelDelivery, OutboxRepository],
  exports: [ChannelRegistry, ChannelOutbox, ChannelDelivery],
})
export class ChannelsCoreModule {}
