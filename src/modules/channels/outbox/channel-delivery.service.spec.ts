import { toErrorShape } from '../../gateway/rpc/wire-errors';
import { ChannelRegistry } from '../channel-registry';
import { FakeChannel, openTestDatabase, transientFailure } from '../../../../test/support/channels-testing';
import { FakeClock } from '../../../../test/support/fake-clock';
import { ChannelDelivery } from './channel-delivery.service';
import { ChannelOutbox } from './channel-outbox.service';
import { OutboxRepository } from './outbox.repository';

/** The error as the gateway sends it, so these tests assert what a client sees. */
const wire = (error: unknown) => toErrorShape(error).shape;

describe(ChannelDelivery.name, () => {
  let db: ReturnType<typeof openTestDatabase>;
  let channel: FakeChannel;
  let registry: ChannelRegistry;
  let delivery: ChannelDelivery;

  beforeEach(() => {
    db = openTestDatabase();
    channel = new FakeChannel();
    registry = new ChannelRegistry(undefined as never, undefined as never);
    registry.register(channel);
    delivery = new ChannelDelivery(registry, new ChannelOutbox(new OutboxRepository(db.database), registry, new FakeClock()));
  });
  afterEach(() => db.close());

  describe('deliver', () => {
    it('sends through the only enabled channel and sends a sourceRef once', async () => {
      // Act
      const first = await delivery.deliver({ to: '5', text: 'hi', sourceRef: 'send:k' });
      const second = await delivery.deliver({ to: '5', text: 'hi', sourceRef: 'send:k' });

      // Assert
      expect(first).toEqual({ messageId: '1', channel: 'fake', to: '5' });
      expect(second).toEqual(first);
      expect(channel.sent).toHaveLength(1);
    });

    it('answers NOT_LINKED, queueing nothing, when the channel is not running', async () => {
      // Arrange
      channel.running = false;

      // Act
      const error = await delivery.deliver({ to: '5', text: 'hi', sourceRef: 'send:k' }).catch((e) => e);

      // Assert
      expect(wire(error)).toMatchObject({ code: 'NOT_LINKED', retryable: true });
      channel.running = true;
      await delivery.deliver({ to: '5', text: 'hi', sourceRef: 'send:other' });
      expect(channel.sent.map((s) => s.text)).toEqual(['hi']);
    });

    it('answers retryable UNAVAILABLE while the message waits for a retry, and the outcome once delivered', async () => {
      // Arrange
      channel.failures.push(transientFailure(30_000));

      // Act
      const error = await delivery.deliver({ to: '5', text: 'hi', sourceRef: 'send:k' }).catch((e) => e);

      // Assert
      expect(wire(error)).toMatchObject({ code: 'UNAVAILABLE', retryable: true, retryAfterMs: 30_000 });
      expect(error.message).toContain('queued');
    });

    it('names the choices when no channel is given and none is enabled', async () => {
      // Arrange
      const empty = new ChannelRegistry(undefined as never, undefined as never);
      const none = new ChannelDelivery(empty, undefined as never);

      // Act / Assert
      await expect(none.deliver({ to: '5', text: 'hi', sourceRef: 'x' })).rejects.toThrow('no channel is enabled');
    });
  });
});
