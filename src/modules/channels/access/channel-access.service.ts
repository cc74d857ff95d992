import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import type { ChannelAccessPolicy } from './access-policy';
import { evaluateAccess } from './access-policy';
import type { InboundEnvelope } from '../channel.types';
import { ChannelsErrors } from '../channels.errors';
import { ChannelAccessRepository, PairingCodeRecord } from './channel-access.repository';
import { generatePairingCode, normalizePairingCode, PAIRING_CODE_TTL_MS } from './pairing-code';

/**
 * At most this many live codes per channel. When full, the oldest code makes
 * room for the newcomer, so a flood of strangers can never lock a real user
 * out of getting a code (docs/channels.md, "Strangers"). Large, because a
 * dropped code frees its sender to get (and be sent) a new one: only more
 * distinct senders than this within one code lifetime can cause a second reply.
 */
export const MAX_PENDING_PAIRING_CODES = 1_000;

/** `pair`: a new code, to be sent once; a sender whose code is still live is ignored. */
export type AccessOutcome = { kind: 'allow' } | { kind: 'ignore'; reason: string } | { kind: 'pair'; code: PairingCodeRecord };

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

  /** The first paired sender: the owner when channels.<id>.allowFrom names nobody. */
  firstPairedSender(channel: string): string | undefined {
    return this.repo.firstAllowedSender(channel);
  }

  approve(channel: string, code: string): PairingCodeRecord {
    const normalized = normalizePairingCode(code);
    const record = this.repo.findCode(channel, normalized);
    if (!record || record.expiresAtMs <= this.clock.now()) throw ChannelsErrors.unknownPairingCode(channel, normalized);
    this.repo.approve(record, this.clock.now());
    this.logger.log(`approved ${channel} sender ${record.senderId}${record.senderName ? ` (${record.senderName})` : ''}`);
    return record;
  }

  /**
   * A new code for a sender without a live one. One code per sender, and one
   * reply per code: writing again while it lives gets no answer, so a stranger
   * cannot make the bot talk by spamming it.
   */
  private codeFor(envelope: InboundEnvelope): AccessOutcome {
    const now = this.clock.now();
    const existing = this.repo.codeForSender(envelope.channel, envelope.senderId);
    if (existing && existing.expiresAtMs > now) {
      return { kind: 'ignore', reason: 'the sender already got a pairing code that is still valid' };
    }
    this.repo.deleteExpired(now);
    const excess = this.repo.countPending(envelope.channel, now) - MAX_PENDING_PAIRING_CODES + 1;
    if (excess > 0) {
      this.repo.deleteOldest(envelope.channel, excess);
      this.logger.warn(
        `${MAX_PENDING_PAIRING_CODES} ${envelope.channel} pairing codes were waiting; dropped the oldest to make room for a new sender`,
      );
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
      return { kind: 'pair', code: record };
    }
  }
}
