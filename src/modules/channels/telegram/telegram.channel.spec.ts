import type { HttpAdapterHost } from '@nestjs/core';
import type { GatewayHttpAdapter } from '../../gateway/http/gateway-http.adapter';
import { FakeTelegram } from '../../../../test/support/fake-telegram';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import { ChannelSendError } from '../channel.types';
import { FakeClock } from '../../../../test/support/fake-clock';
import { TelegramChannel } from './telegram.channel';
import type { TelegramStateRepository } from './telegram-state.repository';

describe(TelegramChannel.name, () => {
  let fake: FakeTelegram;
  let channel: TelegramChannel;

  const makeChannel = (telegram: Record<string, unknown>) =>
    new TelegramChannel(
      { config: { stateDir: '/nonexistent', channels: { telegram } } } as unknown as GatewayRuntime,
      {} as TelegramStateRepository,
      new FakeClock(),
      {} as HttpAdapterHost<GatewayHttpAdapter>,
    );

  beforeEach(async () => {
    fake = await new FakeTelegram().start();
    channel = makeChannel({
      enabled: true,
      botToken: fake.token,
      apiRoot: fake.apiRoot,
      dmPolicy: 'pairing',
      allowFrom: [],
      groups: { enabled: true, requireMention: true, allowFrom: [] },
    });
  });
  afterEach(() => fake.stop());

  describe('sendText', () => {
    it('sends the Markdown subset as HTML', async () => {
      // Act
      const sent = await channel.sendText('42', 'Use **care** with `a<b`');

      // Assert
      expect(fake.sent).toEqual([
        expect.objectContaining({ chat_id: '42', text: 'Use <b>care</b> with <code>a&lt;b</code>', parse_mode: 'HTML' }),
      ]);
      expect(sent.messageId).toBe(String(fake.sent[0].message_id));
    });

    it('sends the same text as plain text when Telegram cannot parse the markup', async () => {
      // Arrange
      fake.rejectMarkup = true;

      // Act
      await channel.sendText('42', 'Use **care**');

      // Assert
      expect(fake.callsOf('sendMessage').map((c) => c.body.parse_mode)).toEqual(['HTML', undefined]);
      expect(fake.sent).toEqual([expect.objectContaining({ text: 'Use **care**' })]);
      expect(fake.sent[0].parse_mode).toBeUndefined();
    });

    it('does not hide any other refusal behind the fallback', async () => {
      // Arrange
      fake.failNext('sendMessage', 400);

      // Act
      const error = await channel.sendText('42', 'hi').catch((e) => e);

      // Assert
      expect(error).toBeInstanceOf(ChannelSendError);
      expect(error.permanent).toBe(true);
      expect(fake.callsOf('sendMessage')).toHaveLength(1);
    });

    it('sends plain text without parse_mode when asked', async () => {
      await channel.sendText('42', '**raw**', { format: 'plain' });
      expect(fake.sent[0]).toMatchObject({ text: '**raw**' });
      expect(fake.sent[0].parse_mode).toBeUndefined();
    });

    it('splits text past 4000 characters, quoting only with the first part', async () => {
      // Arrange
      const text = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(80)}`).join('\n');

      // Act
      await channel.sendText('42', text, { replyToMessageId: '9' });

      // Assert
      expect(fake.sent.length).toBe(3);
      expect(fake.sent.map((m) => m.text).join('\n')).toBe(text);
      expect(fake.sent.map((m) => m.reply_parameters?.message_id)).toEqual([9, undefined, undefined]);
    });
  });

  describe('conversationOf', () => {
    it('reads positive chat ids as direct chats and negative ones as groups', () => {
      expect(channel.conversationOf('42')).toEqual({ isGroup: false, chatId: '42', senderId: '42' });
      expect(channel.conversationOf('-100123')).toEqual({ isGroup: true, chatId: '-100123', senderId: '' });
      expect(channel.conversationOf('@news')).toBeUndefined();
    });
  });

  describe('identity', () => {
    it('takes the account id from the token, and reports not configured when disabled', async () => {
      expect(channel.accountId).toBe(fake.token.split(':')[0]);
      const disabled = makeChannel({
        enabled: false,
        dmPolicy: 'pairing',
        allowFrom: [],
        groups: { enabled: true, requireMention: true, allowFrom: [] },
      });
      expect(await disabled.status(true)).toMatchObject({
        configured: false,
        enabled: false,
        running: false,
        probe: { ok: false },
      });
      await expect(disabled.sendText('1', 'x')).rejects.toThrow('telegram is not enabled');
    });
  });
});
