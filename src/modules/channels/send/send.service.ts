import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { channelSessionKey } from '../../sessions/session-keys';
import { SessionsService } from '../../sessions/sessions.service';
import { ChannelRegistry } from '../channel-registry';
import { ChannelDelivery, Delivered } from '../outbox/channel-delivery.service';
import type { SendParams } from '../dto/send.params';
import { RequestIdempotencyRepository } from './request-idempotency.repository';

export const SEND_SCOPE = 'send';
const KEEP_OUTCOMES_MS = 7 * 24 * 60 * 60_000;

/**
 * The `send` method: one message to one chat, idempotent per key across
 * restarts (the outbox row and request_idempotency both hold the key), and
 * recorded as an assistant turn in the conversation's session.
 */
@Injectable()
export class SendService implements OnModuleInit {
  private readonly logger = new Logger('Send');
  /** Concurrent calls with one key share one delivery. */
  private readonly inFlight = new Map<string, Promise<Delivered>>();

  constructor(
    private readonly delivery: ChannelDelivery,
    private readonly registry: ChannelRegistry,
    private readonly idempotency: RequestIdempotencyRepository,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.idempotency.prune(SEND_SCOPE, this.clock.now() - KEEP_OUTCOMES_MS);
  }

  send(params: SendParams): Promise<Delivered> {
    const stored = this.idempotency.get<Delivered>(SEND_SCOPE, params.idempotencyKey);
    if (stored) return Promise.resolve(stored);
    const running = this.inFlight.get(params.idempotencyKey);
    if (running) return running;
    const delivery = this.deliver(params).finally(() => this.inFlight.delete(params.idempotencyKey));
    this.inFlight.set(params.idempotencyKey, delivery);
    return delivery;
  }

  private async deliver(params: SendParams): Promise<Delivered> {
    const sourceRef = `send:${params.idempotencyKey}`;
    const result = await this.delivery.deliver({
      channel: params.channel,
      accountId: params.accountId,
      to: params.to,
      text: params.message,
      sourceRef,
    });
    this.idempotency.put(SEND_SCOPE, params.idempotencyKey, result, this.clock.now());
    this.record(params, result, sourceRef);
    return result;
  }

  /** The message joins the session it was sent into: the one named, or the chat's own. */
  private record(params: SendParams, result: Delivered, sourceRef: string): void {
    try {
      const channel = this.registry.get(result.channel)!;
      const conversation = channel.conversationOf(result.to);
      const sessionKey = params.sessionKey ?? (conversation ? channelSessionKey(channel.id, conversation) : undefined);
      if (!sessionKey) return;
      this.sessions.ensure(sessionKey, {
        channel: channel.id,
        accountId: channel.accountId,
        chatId: result.to,
        peerId: conversation && !conversation.isGroup ? conversation.senderId : undefined,
      });
      this.sessions.append(sessionKey, {
        role: 'assistant',
        content: params.message,
        sourceRef,
        meta: { delivery: { channel: result.channel, to: result.to, messageId: result.messageId } },
      });
    } catch (error) {
      this.logger.warn(`sent, but not recorded in the session: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
