import type { Message, MessageEntity, Update } from '@grammyjs/types';
import type { InboundEnvelope } from '../channel.types';
import { TELEGRAM_CHANNEL_ID } from './telegram-state.repository';

export interface BotIdentity {
  id: number;
  username?: string;
}

/**
 * One Telegram update as the channel-neutral envelope, or undefined for
 * anything the assistant does not answer: non-message updates, messages
 * without text, messages from bots (two bots must never talk in a loop), channel posts.
 */
export function normalizeUpdate(update: Update, bot: BotIdentity, accountId: string): InboundEnvelope | undefined {
  const message = update.message;
  if (!message || !message.from || message.from.is_bot) return undefined;
  const text = message.text ?? message.caption;
  if (!text) return undefined;
  const chatType = message.chat.type;
  if (chatType !== 'private' && chatType !== 'group' && chatType !== 'supergroup') return undefined;
  const isGroup = chatType !== 'private';
  const entities = message.entities ?? message.caption_entities ?? [];
  const from = message.from;
  return {
    channel: TELEGRAM_CHANNEL_ID,
    accountId,
    chatId: String(message.chat.id),
    messageId: String(message.message_id),
    senderId: String(from.id),
    senderName:
      [from.first_name, from.last_name].filter(Boolean).join(' ') || (from.username ? `@${from.username}` : String(from.id)),
    text: isGroup ? stripMention(text, bot) : text,
    ...(message.reply_to_message ? { replyToMessageId: String(message.reply_to_message.message_id) } : {}),
    isGroup,
    mentioned: !isGroup || mentionsBot(message, text, entities, bot),
  };
}

/** @bot in the text, a text_mention of the bot, /command@bot, or a reply to one of the bot's messages. */
function mentionsBot(message: Message, text: string, entities: readonly MessageEntity[], bot: BotIdentity): boolean {
  if (message.reply_to_message?.from?.id === bot.id) return true;
  const handle = bot.username ? `@${bot.username.toLowerCase()}` : undefined;
  return entities.some((entity) => {
    if (entity.type === 'text_mention') return entity.user.id === bot.id;
    const piece = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention') return handle !== undefined && piece === handle;
    if (entity.type === 'bot_command') return handle !== undefined && piece.endsWith(handle);
    return false;
  });
}

/** "@bot /help" and "/help@bot" both reach the agent as "/help". */
function stripMention(text: string, bot: BotIdentity): string {
  if (!bot.username) return text;
  const escaped = bot.username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text
    .replace(new RegExp(`(^|\\s)@${escaped}\\b[,:]?`, 'gi'), '$1')
    .replace(new RegExp(`^(/\\w+)@${escaped}\\b`, 'i'), '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
