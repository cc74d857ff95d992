import { Injectable, Logger } from '@nestjs/common';
import { ChannelRegistry } from '../channel-registry';
import { ChannelsErrors } from '../channels.errors';
import { ChannelOutbox } from '../outbox/channel-outbox.service';
import type { PairingCodeRecord } from './channel-access.repository';
import { ChannelAccessService } from './channel-access.service';

/** What operators see of a waiting code: the stored record itself. */
export type PendingPairing = PairingCodeRecord;

export const APPROVED_TEXT = 'You are approved: from now on your messages reach the assistant. Send your question again.';

/** The operator side of channel pairing: list live codes, approve one (and tell the sender). */
@Injectable()
export class ChannelPairingService {
  private readonly logger = new Logger('ChannelPairing');

  constructor(
    private readonly access: ChannelAccessService,
    private readonly registry: ChannelRegistry,
    private readonly outbox: ChannelOutbox,
  ) {}

  list(channel?: string): PendingPairing[] {
    if (channel !== undefined) this.requireKnown(channel);
    return this.access.pending(channel).map(toPending);
  }

  approve(channelId: string, code: string): { channel: string; code: string; senderId: string; senderName?: string } {
    this.requireKnown(channelId);
    const record = this.access.approve(channelId, code);
    this.notifySender(channelId, record);
    return { channel: channelId, code: record.code, senderId: record.senderId, senderName: record.senderName };
  }

  /** Best effort: the approval stands even if the sender cannot be told right now. */
  private notifySender(channelId: string, record: PairingCodeRecord): void {
    const channel = this.registry.get(channelId);
    if (!channel?.enabled || !record.chatId) return;
    try {
      this.outbox.enqueue(channel, record.chatId, APPROVED_TEXT, { sourceRef: `pairing:${record.code}` });
      void this.outbox.flushChat({ channel: channel.id, accountId: channel.accountId, chatId: record.chatId });
    } catch (error) {
      this.logger.warn(
        `approved, but could not queue the notice to the sender: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private requireKnown(channel: string): void {
    if (!this.registry.get(channel))
      throw ChannelsErrors.unknownChannel(
        channel,
        this.registry.list().map((c) => c.id),
      );
  }
}

function toPending(record: PairingCodeRecord): PendingPairing {
  return {
    channel: record.channel,
    code: record.code,
    senderId: record.senderId,
    ...(record.senderName ? { senderName: record.senderName } : {}),
    ...(record.chatId ? { chatId: record.chatId } : {}),
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
  };
}
