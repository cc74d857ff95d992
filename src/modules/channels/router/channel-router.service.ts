import { Injectable, Logger } from '@nestjs/common';
import { AgentRuntime } from '../../agent/agent.runtime';
import type { AgentRunResult } from '../../agent/agent.types';
import { channelSessionKey } from '../../sessions/session-keys';
import { SessionsService } from '../../sessions/sessions.service';
import { ChannelAccessService } from '../access/channel-access.service';
import type { PairingCodeRecord } from '../access/channel-access.repository';
import type { Channel, InboundEnvelope, ReceiveResult } from '../channel.types';
import { ChannelOutbox } from '../outbox/channel-outbox.service';
import { startTyping } from './typing-indicator';

const AGENT_FAILED_TEXT = 'Sorry, something went wrong on my side and I could not answer. Please try again in a moment.';

/**
 * The inbound half of "the one flow": envelope → access policy → session →
 * AgentRuntime.run → reply through the outbox. receive() resolves only once
 * the reply is sent or durably queued, which is what lets a channel
 * acknowledge the message to its platform afterwards.
 */
@Injectable()
export class ChannelRouter {
  private readonly logger = new Logger('ChannelRouter');

  constructor(
    private readonly access: ChannelAccessService,
    private readonly sessions: SessionsService,
    private readonly agent: AgentRuntime,
    private readonly outbox: ChannelOutbox,
  ) {}

  async receive(channel: Channel, envelope: InboundEnvelope, sourceRef: string): Promise<ReceiveResult> {
    const chat = { channel: channel.id, accountId: channel.accountId, chatId: envelope.chatId };
    // A redelivery of a message we already answered (or queued an answer for): deliver, never re-run.
    if (this.outbox.has(channel, sourceRef)) {
      this.logger.debug(`${channel.id} ${sourceRef} was answered before; not running the agent again`);
      await this.outbox.flushChat(chat);
      return 'handled';
    }

    const outcome = this.access.decide(channel.accessPolicy, envelope);
    if (outcome.kind === 'ignore') {
      this.logger.debug(`${channel.id} message from ${envelope.senderId} in ${envelope.chatId} ignored: ${outcome.reason}`);
      return 'handled';
    }
    if (outcome.kind === 'pair') {
      this.outbox.enqueue(channel, envelope.chatId, pairingText(channel.id, outcome.code), { sourceRef });
      await this.outbox.flushChat(chat);
      return 'handled';
    }

    const result = await this.runAgent(channel, envelope, sourceRef);
    // Cut short by a shutdown: nothing was answered, so the message runs again after the restart.
    if ('retryable' in result && result.retryable) return 'deferred';
    const images = 'images' in result ? result.images : undefined;
    if (result.text.trim() || images?.length) {
      this.outbox.enqueue(channel, envelope.chatId, result.text, {
        sourceRef,
        images,
        // In a group the answer quotes the question, so it is clear who it is for.
        replyTo: envelope.isGroup ? envelope.messageId : undefined,
      });
    }
    await this.outbox.flushChat(chat);
    return 'handled';
  }

  private async runAgent(
    channel: Channel,
    envelope: InboundEnvelope,
    sourceRef: string,
  ): Promise<AgentRunResult | { text: string }> {
    const sessionKey = channelSessionKey(channel.id, envelope);
    this.sessions.ensure(sessionKey, {
      channel: channel.id,
      accountId: envelope.accountId,
      chatId: envelope.chatId,
      peerId: envelope.isGroup ? undefined : envelope.senderId,
      displayName: envelope.senderName,
    });
    const typing = startTyping(channel, envelope.chatId);
    try {
      const result = await this.agent.run({
        sessionKey,
        message: envelope.text,
        origin: {
          kind: 'channel',
          channel: channel.id,
          chatId: envelope.chatId,
          senderId: envelope.senderId,
          senderName: envelope.senderName,
        },
        sourceRef: `${channel.id}:${sourceRef}`,
      });
      if (result.status !== 'ok')
        this.logger.warn(`agent run ${result.runId} for ${sessionKey} ended ${result.status}: ${result.error ?? 'no detail'}`);
      return result;
    } catch (error) {
      // AgentRuntime.run promises never to reject; if it does anyway, the user still gets an answer.
      this.logger.error(`agent run for ${sessionKey} failed: ${error instanceof Error ? error.message : String(error)}`);
      return { text: AGENT_FAILED_TEXT };
    } finally {
      typing.stop();
    }
  }
}

export function pairingText(channel: string, code: PairingCodeRecord): string {
  const minutes = Math.max(1, Math.round((code.expiresAtMs - code.createdAtMs) / 60_000));
  return [
    'This assistant is private, and I do not know you yet.',
    '',
    `Your pairing code: ${code.code}`,
    '',
    'Ask the owner to approve it on the gateway host with:',
    `nestclaw pairing approve ${channel} ${code.code}`,
    '',
    `The code is valid for ${minutes >= 60 ? `${Math.round(minutes / 60)} hour${minutes >= 120 ? 's' : ''}` : `${minutes} minutes`}. Nothing you write reaches the assistant until then.`,
  ].join('\n');
}
