import { Module } from '@nestjs/common';
import { TelegramChannel } from './telegram.channel';
import { TelegramStateRepository } from './telegram-state.repository';

/** Providing TelegramChannel is all it takes: the ChannelRegistry finds it by its @ChannelProvider() marker. */
@Module({
  providers: [TelegramChannel, TelegramStateRepository],
})
export class TelegramModule {}
