import { TelegramModule } from './telegram/telegram.module';

/**
 * One module per channel. Adding a channel is a folder beside telegram/ with
 * a module that provides a @ChannelProvider() class, plus its line here
 * (docs/channels.md).
 */
export const CHANNEL_MODULES = [TelegramModule];
