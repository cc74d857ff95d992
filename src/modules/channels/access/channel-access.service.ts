import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import type { ChannelAccessPolicy } from './access-policy';
import { evaluateAccess } from './access-policy';
import type { InboundEnvelope } from '../channel.types';
import { ChannelsErrors } from '../channels.errors';
import { ChannelAccessRepository, PairingCodeRecord } from './channel-access.repository';
import { generatePairingCode, normalizePairingCode, PAIRING_CODE_TTL_MS } from './pairing-code';

/** Beyond this many live codes per channel, new strangers get no code (and no reply) until some expire. */
export const MAX_PENDING_PAIRING_CODES = 50;

export type AccessOutcome =
  { kind: 'allow' } | { kind: 'ignore'; reason: string } | { kind: 'pair'; code: PairingCodeRecord; created: boolean };

/** The access policy with its state: approved senders and pairing codes. */
@Injectable()
export class ChannelAccessService {
  private readonly logger = new Logger('ChannelAccess');

  constructor(
    private readonly repo: ChannelAccessRepository,
    private readonly clock: Clock,
  ) {}

  decide(policy: ChannelAccessPolicy, envelope: InboundEnvelope): AccessOutcome {
    const decision = evaluateAccess(policy, envelope, this.repo.isAllowed(envelope.channel, envelope.senderId));
    if (decision.kind !== 'pair') return decision;
    return this.codeFor(envelope);
  }

  /** Live codes, oldest first. */
  pending(channel?: string): PairingCodeRecord[] {
    return this.repo.pendingCodes(this.clock.now(), channel);
  }

  approve(channel: string, code: string): PairingCodeRecord {
    const normalized = normalizePairingCode(code);
    const record = this.repo.findCode(channel, normalized);
    if (!record || record.expiresAtMs <= this.clock.now()) throw ChannelsErrors.unknownPairingCode(channel, normalized);
    this.repo.approve(record, this.clock.now());
    this.logger.log(`approved ${channel} sender ${record.senderId}${record.senderName ? ` (${record.senderName})` : ''}`);
    return record;
  }

  /** The sender's live code, or a new one; one code per sender. */
  private codeFor(envelope: InboundEnvelope): AccessOutcome {
    const now = this.clock.now();
    const existing = this.repo.codeForSender(envelope.channel, envelope.senderId);
    if (existing && existing.expiresAtMs > now) return { kind: 'pair', code: existing, created: false };
    this.repo.deleteExpired(now);
    if (this.repo.countPending(envelope.channel, now) >= MAX_PENDING_PAIRING_CODES) {
      return { kind: 'ignore', reason: `${MAX_PENDING_PAIRING_CODES} pairing codes are already waiting for approval` };
    }
    for (let attempt = 0; ; attempt++) {
      const record: PairingCodeRecord = {
        channel: envelope.channel,
        code: generatePairingCode(),
        senderId: envelope.senderId,
        senderName: envelope.senderName,
        chatId: envelope.chatId,
        createdAtMs: now,
        expiresAtMs: now + PAIRING_CODE_TTL_MS,
      };
      if (this.repo.findCode(record.channel, record.code) && attempt < 5) continue;
      this.repo.saveCode(record);
      this.logger.log(
        `pairing code issued to ${envelope.channel} sender ${envelope.senderId}; approve with \`nestclaw pairing approve ${envelope.channel} ${record.code}\``,
      );
      return { kind: 'pair', code: record, created: true };
    }
  }
}
