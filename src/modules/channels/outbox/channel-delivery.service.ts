import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '../channel-registry';
import { ChannelsErrors } from '../channels.errors';
import { ChannelOutbox } from './channel-outbox.service';

export interface DeliveryRequest {
  /** Channel id; the only enabled channel when omitted. */
  channel?: string;
  accountId?: string;
  to: string;
  text: string;
  /** Names this message durably: a second request with the same ref never sends it again. */
  sourceRef: string;
}

export interface Delivered {
  messageId: string;
  channel: string;
  to: string;
}

/**
 * Outbound text that does not answer an inbound message (`send`, agent runs
 * asked to deliver): queued in the outbox under sourceRef, then delivered.
 * Throws ChannelsErrors, sent as NOT_LINKED when the channel is down, UNAVAILABLE
 * (retryable) while a retry is pending, INVALID_REQUEST when refused for good.
 */
@Injectable()
export class ChannelDelivery {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly outbox: ChannelOutbox,
  ) {}

  async deliver(request: DeliveryRequest): Promise<Delivered> {
    const channel = this.registry.resolve(request.channel);
    if (request.accountId !== undefined && request.accountId !== channel.accountId) {
      throw ChannelsErrors.invalidTarget(
        channel.id,
        request.to,
        `accountId ${request.accountId} is not this gateway's ${channel.id} account (${channel.accountId})`,
      );
    }
    if (!this.outbox.has(channel, request.sourceRef)) {
      const state = channel.state();
      if (!state.running) throw ChannelsErrors.notLinked(channel.id, state.lastError);
      this.outbox.enqueue(channel, request.to, request.text, { sourceRef: request.sourceRef });
    }
    await this.outbox.flushChat({ channel: channel.id, accountId: channel.accountId, chatId: request.to });
    const outcome = this.outbox.outcome(channel, request.sourceRef);
    switch (outcome.state) {
      case 'sent':
        return { messageId: outcome.messageId, channel: channel.id, to: request.to };
      case 'failed':
        throw ChannelsErrors.sendFailed(channel.id, outcome.error);
      case 'pending':
        throw ChannelsErrors.sendQueued(channel.id, outcome.error ?? 'the channel is busy', outcome.retryAfterMs);
      case 'missing':
        throw ChannelsErrors.sendQueued(channel.id, 'the message was not queued');
    }
  }
}
