import * as net from 'node:net';
import { FakeTelegram } from '../../../../test/support/fake-telegram';
import { scrubSecret, TelegramApiError, TelegramClient } from './telegram.client';

describe(TelegramClient.name, () => {
  let fake: FakeTelegram;
  let sleeps: number[];
  const client = (overrides: Partial<ConstructorParameters<typeof TelegramClient>[0]> = {}) =>
    new TelegramClient({
      token: fake.token,
      apiRoot: fake.apiRoot,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 1,
      ...overrides,
    });

  beforeEach(async () => {
    fake = await new FakeTelegram().start();
    sleeps = [];
  });
  afterEach(() => fake.stop());

  describe('sendMessage', () => {
    it('waits retry_after on 429 and then succeeds', async () => {
      // Arrange
      fake.rateLimitNext('sendMessage', 3);

      // Act
      const message = await client().sendMessage('42', 'hi');

      // Assert
      expect(message.text).toBe('hi');
      expect(sleeps).toEqual([3_000]);
      expect(fake.callsOf('sendMessage')).toHaveLength(2);
    });

    it('does not wait in-line for a retry_after beyond the limit; the error carries it', async () => {
      // Arrange
      fake.rateLimitNext('sendMessage', 120);

      // Act
      const error = (await client()
        .sendMessage('42', 'hi')
        .catch((e) => e)) as TelegramApiError;

      // Assert
      expect(error).toBeInstanceOf(TelegramApiError);
      expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 120_000, permanent: false });
      expect(sleeps).toEqual([]);
    });

    it('retries 5xx with capped exponential backoff', async () => {
      // Arrange
      fake.failNext('sendMessage', 502, 2);

      // Act
      await client().sendMessage('42', 'hi');

      // Assert: backoffDelay with random() = 1 gives the full capped delay.
      expect(sleeps).toEqual([500, 1_000]);
      expect(fake.sent).toHaveLength(1);
    });

    it('gives up after maxAttempts with a transient error', async () => {
      // Arrange
      fake.failNext('sendMessage', 500, 5);

      // Act
      const error = (await client({ maxAttempts: 3 })
        .sendMessage('42', 'hi')
        .catch((e) => e)) as TelegramApiError;

      // Assert
      expect(error).toMatchObject({ kind: 'transient', status: 500, permanent: false });
      expect(fake.callsOf('sendMessage')).toHaveLength(3);
    });

    it('retries a dropped connection as a network error', async () => {
      // Arrange
      fake.script('sendMessage', { status: 0, drop: true });

      // Act
      await client().sendMessage('42', 'hi');

      // Assert
      expect(sleeps).toHaveLength(1);
      expect(fake.sent).toHaveLength(1);
    });

    it('fails at once, as permanent, on a 400', async () => {
      // Arrange
      fake.failNext('sendMessage', 400);

      // Act
      const error = (await client()
        .sendMessage('42', 'hi')
        .catch((e) => e)) as TelegramApiError;

      // Assert
      expect(error).toMatchObject({ kind: 'permanent', status: 400, permanent: true, description: 'Bad Request' });
      expect(sleeps).toEqual([]);
    });

    it('sends parse_mode and reply parameters when asked', async () => {
      // Act
      await client().sendMessage('42', '<b>x</b>', { parseMode: 'HTML', replyToMessageId: 7 });

      // Assert
      expect(fake.sent[0]).toMatchObject({ parse_mode: 'HTML', reply_parameters: { message_id: 7 } });
    });
  });

  describe('errors', () => {
    it('names a rejected token without echoing it', async () => {
      // Act
      const error = (await client({ token: '999:wrong-token-value' })
        .getMe()
        .catch((e) => e)) as TelegramApiError;

      // Assert
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toContain('channels.telegram.botToken');
      expect(error.message).not.toContain('wrong-token-value');
    });

    it('never puts the token of an unreachable API root in the message', async () => {
      // Arrange: a port nothing listens on.
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));

      // Act
      const error = (await client({ apiRoot: `http://127.0.0.1:${port}`, maxAttempts: 1 })
        .getMe()
        .catch((e) => e)) as TelegramApiError;

      // Assert
      expect(error.kind).toBe('transient');
      expect(error.message).toBe('telegram getMe: network error (ECONNREFUSED)');
      expect(JSON.stringify({ ...error, stack: error.stack })).not.toContain(fake.token.split(':')[1]);
    });
  });
});

describe('scrubSecret', () => {
  it('removes raw and URL-encoded occurrences', () => {
    expect(scrubSecret('a/bot1:x y/b 1%3Ax%20y', '1:x y')).toBe('a/bot<redacted>/b <redacted>');
  });
});
