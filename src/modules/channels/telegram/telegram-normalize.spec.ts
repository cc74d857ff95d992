import type { Update } from '@grammyjs/types';
import { normalizeUpdate } from './telegram-normalize';

const bot = { id: 999, username: 'claw_bot' };
const ada = { id: 42, is_bot: false, first_name: 'Ada', last_name: 'Lovelace', username: 'ada' };

function message(fields: Record<string, unknown>, chat: Record<string, unknown> = { id: 42, type: 'private' }): Update {
  return { update_id: 1, message: { message_id: 10, date: 0, chat, from: ada, text: 'hi', ...fields } } as unknown as Update;
}
const group = { id: -100, type: 'supergroup', title: 'G' };

describe('normalizeUpdate', () => {
  it('turns a direct message into the envelope, always addressed to the bot', () => {
    expect(normalizeUpdate(message({}), bot, '999')).toEqual({
      channel: 'telegram',
      accountId: '999',
      chatId: '42',
      messageId: '10',
      senderId: '42',
      senderName: 'Ada Lovelace',
      text: 'hi',
      isGroup: false,
      mentioned: true,
    });
  });

  it('sees an @mention in a group and takes it out of the text', () => {
    // Act
    const result = normalizeUpdate(
      message({ text: '@claw_bot /help', entities: [{ type: 'mention', offset: 0, length: 9 }] }, group),
      bot,
      '999',
    );

    // Assert
    expect(result).toMatchObject({ isGroup: true, chatId: '-100', mentioned: true, text: '/help' });
  });

  it('sees /command@bot as a mention and drops the suffix', () => {
    const result = normalizeUpdate(
      message({ text: '/status@claw_bot now', entities: [{ type: 'bot_command', offset: 0, length: 16 }] }, group),
      bot,
      '999',
    );
    expect(result).toMatchObject({ mentioned: true, text: '/status now' });
  });

  it('counts a reply to the bot as a mention', () => {
    const result = normalizeUpdate(
      message({ text: 'and then?', reply_to_message: { message_id: 5, from: { id: 999, is_bot: true } } }, group),
      bot,
      '999',
    );
    expect(result).toMatchObject({ mentioned: true, replyToMessageId: '5' });
  });

  it('does not count a mention of someone else', () => {
    const result = normalizeUpdate(
      message({ text: '@other_bot hi', entities: [{ type: 'mention', offset: 0, length: 10 }] }, group),
      bot,
      '999',
    );
    expect(result).toMatchObject({ mentioned: false, text: '@other_bot hi' });
  });

  it.each([
    ['a message from a bot', message({ from: { id: 5, is_bot: true, first_name: 'B' } })],
    ['a message without text', message({ text: undefined, sticker: {} })],
    ['a channel post', message({}, { id: -1, type: 'channel' })],
    ['an update that is no message', { update_id: 2, edited_message: {} } as unknown as Update],
  ])('ignores %s', (_name, update) => {
    expect(normalizeUpdate(update, bot, '999')).toBeUndefined();
  });

  it('uses the caption of a photo', () => {
    expect(normalizeUpdate(message({ text: undefined, caption: 'look' }), bot, '999')?.text).toBe('look');
  });
});
