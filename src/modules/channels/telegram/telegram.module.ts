import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../../approvals/approvals.module';
import { TelegramChannel } from './telegram.channel';
import { TelegramStateRepository } from './telegram-state.repository';

/** Providing TelegramChannel is all it takes: the ChannelRegistry finds it by its @ChannelProvider() marker. */
@Module({
  imports: [ApprovalsModule],
  providers: [TelegramChannel, TelegramStateRepository],
})
export class TelegramModule {}
