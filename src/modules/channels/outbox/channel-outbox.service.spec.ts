import { backoffDelay } from '../../../common/client/backoff';
import { ChannelRegistry } from '../channel-registry';
import { FakeChannel, openTestDatabase, permanentFailure, transientFailure } from '../../../../test/support/channels-testing';
import { FakeClock } from '../../../../test/support/fake-clock';
import { ChannelOutbox, OUTBOX_RETRY_BACKOFF } from './channel-outbox.service';
import { OutboxRepository } from './outbox.repository';

describe(ChannelOutbox.name, () => {
  let db: ReturnType<typeof openTestDatabase>;
  let clock: FakeClock;
  let channel: FakeChannel;
  let registry: ChannelRegistry;
  const chat = () => ({ channel: channel.id, accountId: channel.accountId, chatId: '42' });
  const newOutbox = () => new ChannelOutbox(new OutboxRepository(db.database), registry, clock);

  beforeEach(() => {
    db = openTestDatabase();
    clock = new FakeClock();
    channel = new FakeChannel();
    registry = new ChannelRegistry(undefined as never, undefined as never);
    registry.register(channel);
  });
  afterEach(() => db.close());

  describe('the send gate (docs/channels.md, "Reliability")', () => {
    it('has one platform call per account on the wire, marked sending before it and sent after it', async () => {
      // Arrange: every call waits until the test answers it.
      const outbox = newOutbox();
      const repo = new OutboxRepository(db.database);
      const answers: Array<() => void> = [];
      let onWire = 0;
      let mostOnWire = 0;
      const realSend = channel.sendText.bind(channel);
      channel.sendText = async (target, text, options) => {
        onWire++;
        mostOnWire = Math.max(mostOnWire, onWire);
        await new Promise<void>((resolve) => answers.push(resolve));
        onWire--;
        return realSend(target, text, options);
      };
      const chats = ['1', '2', '3'];
      for (const chatId of chats) outbox.enqueue(channel, chatId, `hi ${chatId}`, { sourceRef: `u${chatId}` });
      const rows = () => chats.flatMap((chatId) => repo.parts(channel.id, channel.accountId, `u${chatId}`));

      // Act: three chats flush side by side.
      const flushed = Promise.all(chats.map((chatId) => outbox.flushChat({ ...chat(), chatId })));
      while (answers.length === 0) await new Promise((resolve) => setImmediate(resolve));

      // Assert: one call on the wire, its part alone marked sending.
      expect(rows().filter((r) => r.sendingAtMs !== undefined && r.sentAtMs === undefined)).toHaveLength(1);
      while (answers.length > 0 || onWire > 0) {
        answers.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await flushed;
      expect(mostOnWire).toBe(1);
      expect(channel.sent.map((s) => s.target).sort()).toEqual(chats);
      expect(rows().every((r) => r.sendingAtMs !== undefined && r.sentAtMs !== undefined)).toBe(true);
    });
  });

  describe('enqueue and flushChat', () => {
    it('delivers a long text as ordered parts within the channel limit, the first one quoting', async () => {
      // Arrange
      const outbox = newOutbox();
      channel.textLimit = 100;
      const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');

      // Act
      outbox.enqueue(channel, '42', text, { sourceRef: 'u1', replyTo: '9' });
      await outbox.flushChat(chat());

      // Assert
      expect(channel.sent.length).toBeGreaterThan(1);
      for (const sent of channel.sent) expect(sent.text.length).toBeLessThanOrEqual(channel.textLimit);
      expect(channel.sent.map((s) => s.text).join('\n')).toBe(text);
      expect(channel.sent.map((s) => s.options.replyToMessageId)).toEqual(['9', ...channel.sent.slice(1).map(() => undefined)]);
      expect(outbox.outcome(channel, 'u1')).toEqual({ state: 'sent', messageId: '1' });
    });

    it('queues a sourceRef once, so a redelivery is never answered twice', async () => {
      // Arrange
      const outbox = newOutbox();

      // Act
      const first = outbox.enqueue(channel, '42', 'answer', { sourceRef: 'u1' });
      const second = outbox.enqueue(channel, '42', 'another answer', { sourceRef: 'u1' });
      await outbox.flushChat(chat());
      await outbox.flushChat(chat());

      // Assert
      expect([first, second]).toEqual([true, false]);
      expect(channel.sent.map((s) => s.text)).toEqual(['answer']);
      expect(outbox.has(channel, 'u1')).toBe(true);
    });

    it('keeps a part that failed for a retry after its backoff, and the parts after it wait', async () => {
      // Arrange
      const outbox = newOutbox();
      channel.failures.push(transientFailure());
      outbox.enqueue(channel, '42', 'first', { sourceRef: 'a' });
      outbox.enqueue(channel, '42', 'second', { sourceRef: 'b' });

      // Act
      await outbox.flushChat(chat());

      // Assert
      expect(channel.sent).toEqual([]);
      expect(outbox.outcome(channel, 'a')).toMatchObject({ state: 'pending', error: 'try later' });

      // Act: not due yet
      clock.ms += backoffDelay(0, OUTBOX_RETRY_BACKOFF, () => 0) - 1;
      await outbox.flushDue();
      expect(channel.sent).toEqual([]);

      // Act: due
      clock.ms += OUTBOX_RETRY_BACKOFF.maxDelayMs;
      await outbox.flushDue();

      // Assert
      expect(channel.sent.map((s) => s.text)).toEqual(['first', 'second']);
    });

    it('waits at least the retry-after the platform asked for', async () => {
      // Arrange
      const outbox = newOutbox();
      channel.failures.push(transientFailure(60_000));
      outbox.enqueue(channel, '42', 'x', { sourceRef: 'a' });

      // Act
      await outbox.flushChat(chat());

      // Assert
      expect(outbox.outcome(channel, 'a')).toMatchObject({ state: 'pending', retryAfterMs: 60_000 });
    });

    it('gives up on a part the platform refused for good and goes on with the next', async () => {
      // Arrange
      const outbox = newOutbox();
      channel.failures.push(permanentFailure());
      outbox.enqueue(channel, '42', 'refused', { sourceRef: 'a' });
      outbox.enqueue(channel, '42', 'fine', { sourceRef: 'b' });

      // Act
      await outbox.flushChat(chat());

      // Assert
      expect(outbox.outcome(channel, 'a')).toEqual({ state: 'failed', error: 'chat not found' });
      expect(outbox.outcome(channel, 'b')).toEqual({ state: 'sent', messageId: '1' });
    });

    it('sends nothing through a channel that is not running', async () => {
      // Arrange
      const outbox = newOutbox();
      channel.running = false;
      outbox.enqueue(channel, '42', 'later', { sourceRef: 'a' });

      // Act
      await outbox.flushChat(chat());

      // Assert
      expect(channel.sent).toEqual([]);
      expect(outbox.outcome(channel, 'a').state).toBe('pending');
    });
  });

  describe('flushChannel', () => {
    it('delivers what an earlier process queued, even before its retry time', async () => {
      // Arrange: queued and failed once by the "previous process".
      const before = newOutbox();
      channel.failures.push(transientFailure());
      before.enqueue(channel, '42', 'queued before the crash', { sourceRef: 'a' });
      before.enqueue(channel, '-7', 'another chat', { sourceRef: 'b' });
      await before.flushChat(chat());
      before.stop();

      // Act
      const after = newOutbox();
      await after.flushChannel(channel);

      // Assert
      expect(channel.sent.map((s) => s.text).sort()).toEqual(['another chat', 'queued before the crash']);
    });
  });
});
