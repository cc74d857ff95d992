import type { Update } from '@grammyjs/types';
import type { ReceiveResult } from '../channel.types';
import { openTestDatabase } from '../../../../test/support/channels-testing';
import { FakeClock } from '../../../../test/support/fake-clock';
import { TelegramIntake } from './telegram-intake';
import { TelegramStateRepository } from './telegram-state.repository';

const update = (id: number, chatId = 1): Update =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId, is_bot: false, first_name: 'A' },
      text: `m${id}`,
    },
  }) as Update;

/** A handler whose calls stay pending until the test settles them. */
class ControlledHandler {
  readonly calls: number[] = [];
  private readonly waiting = new Map<number, (result: ReceiveResult) => void>();
  handle = (u: Update): Promise<ReceiveResult> => {
    this.calls.push(u.update_id);
    return new Promise((resolve) => this.waiting.set(u.update_id, resolve));
  };
  finish(id: number, result: ReceiveResult = 'handled'): void {
    this.waiting.get(id)!(result);
    this.waiting.delete(id);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(TelegramIntake.name, () => {
  let db: ReturnType<typeof openTestDatabase>;
  let store: TelegramStateRepository;
  let handler: ControlledHandler;
  let errors: string[];
  const clock = new FakeClock();
  const newIntake = (handle: (u: Update) => Promise<ReceiveResult> = handler.handle) =>
    new TelegramIntake({ store, accountId: 'bot', now: () => clock.now(), handle, onError: (m) => errors.push(m) });

  beforeEach(() => {
    db = openTestDatabase();
    store = new TelegramStateRepository(db.database);
    handler = new ControlledHandler();
    errors = [];
  });
  afterEach(() => db.close());

  describe('accept', () => {
    it('stores the update before the next poll may confirm it, and commits the offset only once it is handled', async () => {
      // Arrange
      const intake = newIntake();
      intake.resume();

      // Act
      intake.accept(update(10));
      await flush();

      // Assert: on disk and asked past, but not committed while the handler runs.
      expect(store.unhandled('bot').map((u) => u.updateId)).toEqual([10]);
      expect(intake.nextOffset).toBe(11);
      expect(store.cursor('bot')).toBe(0);

      // Act
      handler.finish(10);
      await flush();

      // Assert
      expect(store.isHandled('bot', 10)).toBe(true);
      expect(store.cursor('bot')).toBe(11);
    });

    it('never commits past an update still in flight, even when later ones finish first', async () => {
      // Arrange
      const intake = newIntake();
      intake.resume();
      intake.accept(update(10, 1));
      intake.accept(update(11, 2));
      await flush();

      // Act
      handler.finish(11);
      await flush();

      // Assert: everything below 10 is handled, nothing more may be claimed.
      expect(store.cursor('bot')).toBe(10);

      // Act
      handler.finish(10);
      await flush();

      // Assert
      expect(store.cursor('bot')).toBe(12);
    });

    it('handles one chat in order and different chats side by side', async () => {
      // Arrange
      const intake = newIntake();
      intake.resume();

      // Act
      intake.accept(update(10, 1));
      intake.accept(update(11, 1));
      intake.accept(update(12, 2));
      await flush();

      // Assert: 11 waits for 10; 12 (another chat) does not.
      expect(handler.calls).toEqual([10, 12]);
      handler.finish(10);
      await flush();
      expect(handler.calls).toEqual([10, 12, 11]);
    });

    it('does not run a redelivered update again, whether handled or still in flight', async () => {
      // Arrange
      const intake = newIntake();
      intake.resume();
      intake.accept(update(10));
      await flush();

      // Act: redelivered while in flight, then after it was handled.
      intake.accept(update(10));
      handler.finish(10);
      await flush();
      intake.accept(update(10));
      await flush();

      // Assert
      expect(handler.calls).toEqual([10]);
    });

    it('does not move the poll offset past an update it could not store', () => {
      // Arrange
      const failing = Object.create(store) as TelegramStateRepository;
      failing.storeUpdate = () => {
        throw new Error('disk full');
      };
      const intake = new TelegramIntake({
        store: failing,
        accountId: 'bot',
        now: () => 0,
        handle: handler.handle,
        onError: () => undefined,
      });
      intake.resume();

      // Act / Assert
      expect(() => intake.accept(update(10))).toThrow('disk full');
      expect(intake.nextOffset).toBe(0);
    });

    it('skips, and reports, an update whose handler throws, so it cannot block every start', async () => {
      // Arrange
      const intake = newIntake(async () => {
        throw new Error('boom');
      });
      intake.resume();

      // Act
      intake.accept(update(10));
      await intake.idle();

      // Assert
      expect(store.isHandled('bot', 10)).toBe(true);
      expect(errors).toEqual(['update 10 could not be handled and is skipped: boom']);
    });
  });

  describe('resume', () => {
    it('after a crash, runs the stored updates that were never handled, once, and polls past them', async () => {
      // Arrange: the "previous process" took 10 and 11 from Telegram, handled 10, died during 11.
      const before = newIntake();
      before.resume();
      before.accept(update(10, 1));
      before.accept(update(11, 2));
      await flush();
      handler.finish(10);
      await flush();
      handler = new ControlledHandler();

      // Act
      const after = newIntake();
      const offset = after.resume();
      await flush();

      // Assert
      expect(offset).toBe(12);
      expect(handler.calls).toEqual([11]);
      handler.finish(11);
      await after.idle();
      expect(store.cursor('bot')).toBe(12);
    });

    it('keeps a deferred update (the gateway was stopping) for the next start without committing past it', async () => {
      // Arrange
      const first = newIntake();
      first.resume();
      first.accept(update(10));
      await flush();

      // Act
      handler.finish(10, 'deferred');
      await first.idle();

      // Assert
      expect(store.isHandled('bot', 10)).toBe(false);
      expect(store.cursor('bot')).toBe(0);

      // Act: next start
      handler = new ControlledHandler();
      const second = newIntake();
      second.resume();
      await flush();
      handler.finish(10);
      await second.idle();

      // Assert
      expect(store.cursor('bot')).toBe(11);
    });

    it('starts nothing new after close; the rest waits in the inbox', async () => {
      // Arrange
      const intake = newIntake();
      intake.resume();
      intake.accept(update(10, 1));
      intake.accept(update(11, 1));
      await flush();

      // Act
      intake.close();
      handler.finish(10);
      await intake.idle();

      // Assert
      expect(handler.calls).toEqual([10]);
      expect(store.unhandled('bot').map((u) => u.updateId)).toEqual([11]);
      expect(store.cursor('bot')).toBe(11);
    });
  });
});
