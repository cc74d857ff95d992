import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ChannelAccessRepository } from './access/channel-access.repository';
import { ChannelAccessService } from './access/channel-access.service';
import { ChannelPairingService } from './access/channel-pairing.service';
import { CHANNEL_MODULES } from './channel-modules';
import { ChannelsCoreModule } from './channels-core.module';
import { ChannelsRpc } from './channels.rpc';
import { ChannelsService } from './channels.service';
import { AgentDeliverySubscriber } from './outbox/agent-delivery.subscriber';
import { ChannelRouter } from './router/channel-router.service';
import { RequestIdempotencyRepository } from './send/request-idempotency.repository';
import { SendService } from './send/send.service';

@Module({
  imports: [ChannelsCoreModule, SessionsModule, AgentModule, ...CHANNEL_MODULES],
  providers: [
    AgentDeliverySubscriber,
    ChannelAccessRepository,
    ChannelAccessService,
    ChannelPairingService,
    ChannelRouter,
    ChannelsRpc,
    ChannelsService,
    RequestIdempotencyRepository,
    SendService,
  ],
  exports: [ChannelsCoreModule],
})
export class ChannelsModule {}
