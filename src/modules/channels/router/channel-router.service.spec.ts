import type { AgentRuntime } from '../../agent/agent.runtime';
import type { AgentRunRequest, AgentRunResult } from '../../agent/agent.types';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { SessionsService } from '../../sessions/sessions.service';
import { ChannelAccessRepository } from '../access/channel-access.repository';
import { ChannelAccessService } from '../access/channel-access.service';
import { ChannelRegistry } from '../channel-registry';
import { envelope, FakeChannel, openTestDatabase } from '../../../../test/support/channels-testing';
import { FakeClock } from '../../../../test/support/fake-clock';
import { ChannelOutbox } from '../outbox/channel-outbox.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { ChannelRouter } from './channel-router.service';

class FakeAgent {
  readonly requests: AgentRunRequest[] = [];
  next: Partial<AgentRunResult> | Error = {};
  async run(request: AgentRunRequest): Promise<AgentRunResult> {
    this.requests.push(request);
    if (this.next instanceof Error) throw this.next;
    return {
      runId: `run-${this.requests.length}`,
      sessionKey: request.sessionKey,
      status: 'ok',
      text: `echo: ${request.message}`,
      durationMs: 1,
      ...this.next,
    };
  }
}

describe(ChannelRouter.name, () => {
  let db: ReturnType<typeof openTestDatabase>;
  let channel: FakeChannel;
  let agent: FakeAgent;
  let access: ChannelAccessService;
  let sessions: SessionsService;
  let router: ChannelRouter;
  const clock = new FakeClock();

  beforeEach(() => {
    db = openTestDatabase();
    channel = new FakeChannel();
    const registry = new ChannelRegistry(undefined as never, undefined as never);
    registry.register(channel);
    agent = new FakeAgent();
    access = new ChannelAccessService(new ChannelAccessRepository(db.database), clock);
    sessions = new SessionsService(new SessionsRepository(db.database), clock, {
      config: { agent: { historyLimit: 50 } },
    } as GatewayRuntime);
    const outbox = new ChannelOutbox(new OutboxRepository(db.database), registry, clock);
    router = new ChannelRouter(access, sessions, agent as unknown as AgentRuntime, outbox);
  });
  afterEach(() => db.close());

  describe('receive', () => {
    it('runs the agent for an allowed sender in the chat session and sends the answer, typing meanwhile', async () => {
      // Act
      const result = await router.receive(channel, envelope({ text: '/help' }), '7');

      // Assert
      expect(result).toBe('handled');
      expect(agent.requests).toEqual([
        {
          sessionKey: 'main:fake:dm:100',
          message: '/help',
          origin: { kind: 'channel', channel: 'fake', chatId: '100', senderId: '100', senderName: 'Ada Lovelace' },
          sourceRef: 'fake:7',
        },
      ]);
      expect(channel.typing).toEqual(['100']);
      expect(channel.sent).toEqual([
        { target: '100', text: 'echo: /help', options: { format: 'markdown', replyToMessageId: undefined } },
      ]);
      expect(sessions.find('main:fake:dm:100')).toMatchObject({
        channel: 'fake',
        chatId: '100',
        peerId: '100',
        displayName: 'Ada Lovelace',
      });
    });

    it('does not run the agent again for a redelivered message whose answer is queued', async () => {
      // Arrange
      await router.receive(channel, envelope(), '7');

      // Act
      await router.receive(channel, envelope(), '7');

      // Assert
      expect(agent.requests).toHaveLength(1);
      expect(channel.sent).toHaveLength(1);
    });

    it('gives an unknown sender a pairing code once, ignores it while the code lives, and never reaches the agent', async () => {
      // Act
      await router.receive(channel, envelope({ senderId: '200', chatId: '200', senderName: 'Eve' }), '1');
      await router.receive(channel, envelope({ senderId: '200', chatId: '200', senderName: 'Eve' }), '2');

      // Assert
      expect(agent.requests).toEqual([]);
      const [pending] = access.pending('fake');
      expect(pending).toMatchObject({ senderId: '200', senderName: 'Eve', chatId: '200' });
      expect(channel.sent).toHaveLength(1);
      for (const sent of channel.sent) {
        expect(sent.target).toBe('200');
        expect(sent.text).toContain(`nestclaw pairing approve fake ${pending.code}`);
      }
    });

    it('lets an approved sender through', async () => {
      // Arrange
      await router.receive(channel, envelope({ senderId: '200', chatId: '200' }), '1');
      access.approve('fake', access.pending('fake')[0].code.toLowerCase());

      // Act
      await router.receive(channel, envelope({ senderId: '200', chatId: '200', text: 'hi' }), '2');

      // Assert
      expect(agent.requests.map((r) => r.message)).toEqual(['hi']);
    });

    it('ignores, without a reply, what the policy ignores', async () => {
      // Arrange
      channel.accessPolicy = { ...channel.accessPolicy, dmPolicy: 'allowlist' };

      // Act
      const result = await router.receive(channel, envelope({ senderId: '200', chatId: '200' }), '1');

      // Assert
      expect(result).toBe('handled');
      expect(agent.requests).toEqual([]);
      expect(channel.sent).toEqual([]);
    });

    it('answers in a group by quoting the message, in the group session', async () => {
      // Act
      await router.receive(channel, envelope({ isGroup: true, chatId: '-5', messageId: '77', mentioned: true }), '1');

      // Assert
      expect(agent.requests[0].sessionKey).toBe('main:fake:group:-5');
      expect(channel.sent[0]).toMatchObject({ target: '-5', options: { replyToMessageId: '77' } });
    });

    it('defers, answering nothing, a run the gateway cut short to stop', async () => {
      // Arrange
      agent.next = { status: 'aborted', text: 'The gateway is restarting', retryable: true };

      // Act
      const result = await router.receive(channel, envelope(), '7');

      // Assert
      expect(result).toBe('deferred');
      expect(channel.sent).toEqual([]);
    });

    it('still answers when the runtime breaks its promise and rejects', async () => {
      // Arrange
      agent.next = new Error('not implemented');

      // Act
      await router.receive(channel, envelope(), '7');

      // Assert
      expect(channel.sent[0].text).toContain('Sorry');
    });
  });
});
