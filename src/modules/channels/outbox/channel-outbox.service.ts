import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { BackoffOptions, backoffDelay } from '../../../common/client/backoff';
import { ChannelRegistry } from '../channel-registry';
import { ChannelSendError, type Channel } from '../channel.types';
import { splitText } from '../text/split-text';
import { OutboxKey, OutboxMedia, OutboxPart, OutboxRepository, OutboxRow } from './outbox.repository';

/** A part that keeps failing for this long is given up on. */
export const OUTBOX_GIVE_UP_AFTER_MS = 24 * 60 * 60_000;
export const OUTBOX_RETRY_BACKOFF: BackoffOptions = { initialDelayMs: 1_000, maxDelayMs: 5 * 60_000 };
export const OUTBOX_POLL_INTERVAL_MS = 1_000;
const PRUNE_AFTER_MS = 7 * 24 * 60 * 60_000;

export type DeliveryOutcome =
  | { state: 'sent'; messageId: string }
  | { state: 'pending'; error?: string; retryAfterMs?: number }
  | { state: 'failed'; error: string }
  | { state: 'missing' };

/**
 * Every message a channel sends goes through here: it is written to
 * channel_outbox first, then delivered in order per chat, retried with backoff
 * until the platform takes it (or refuses it for good). An inbound message
 * whose reply is queued is never answered twice, and nothing queued is lost.
 *
 * The Bot API has no idempotency key, so a crash while a call is on the wire
 * leaves that part's fate unknown; it is sent again (never lost, maybe
 * twice). To keep that window to one part per channel account, parts go out
 * one at a time per account (the send gate), each marked "sending" in its own
 * committed write just before the call and "sent" right after it.
 */
@Injectable()
export class ChannelOutbox implements OnModuleDestroy {
  private readonly logger = new Logger('ChannelOutbox');
  private readonly chains = new Map<string, Promise<void>>();
  /** Per channel account: the tail of the queue of platform calls (one on the wire at a time). */
  private readonly sendGates = new Map<string, Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly registry: ChannelRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleDestroy(): void {
    this.stop();
  }

  /** Starts the timer that retries due parts. */
  start(intervalMs = OUTBOX_POLL_INTERVAL_MS): void {
    this.stopped = false;
    this.prune();
    if (this.timer) return;
    this.timer = setInterval(() => void this.flushDue(), intervalMs);
    this.timer.unref();
  }

  /** No new deliveries start after this; one already on the wire finishes. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Queues text for the chat, split to the channel's limit. With a sourceRef,
   * queues nothing when a message with that ref was queued before; returns
   * whether it queued.
   */
  enqueue(
    channel: Channel,
    chatId: string,
    text: string,
    options: { replyTo?: string; sourceRef?: string; images?: readonly OutboxMedia[] } = {},
  ): boolean {
    const key = { channel: channel.id, accountId: channel.accountId, chatId };
    const textParts: OutboxPart[] = text.trim() ? splitText(text, channel.textLimit) : [];
    // Pictures follow the text, one platform message each, so they arrive after the answer they illustrate.
    const pictures = (options.images ?? []).map((media): OutboxPart => ({ text: '', media }));
    const { replyTo, sourceRef } = options;
    return this.repo.enqueue(key, [...textParts, ...pictures], { replyTo, sourceRef }, this.clock.now());
  }

  has(channel: Channel, sourceRef: string): boolean {
    return this.repo.findFirst(channel.id, channel.accountId, sourceRef) !== undefined;
  }

  /** Where the message queued under sourceRef stands: sent once every part is. */
  outcome(channel: Channel, sourceRef: string): DeliveryOutcome {
    const parts = this.repo.parts(channel.id, channel.accountId, sourceRef);
    if (parts.length === 0) return { state: 'missing' };
    const failed = parts.find((p) => p.failedAtMs !== undefined);
    if (failed) return { state: 'failed', error: failed.lastError ?? 'refused' };
    const pending = parts.find((p) => p.sentAtMs === undefined);
    if (pending) {
      const wait = pending.nextAttemptAtMs - this.clock.now();
      return { state: 'pending', error: pending.lastError, ...(wait > 0 ? { retryAfterMs: wait } : {}) };
    }
    return { state: 'sent', messageId: parts[0].messageId ?? '' };
  }

  /**
   * Delivers the chat's pending parts in order. Resolves when they are all
   * sent or one must wait for a retry; never rejects.
   */
  flushChat(key: OutboxKey, options: { ignoreSchedule?: boolean } = {}): Promise<void> {
    const chainKey = `${key.channel}\u0000${key.accountId}\u0000${key.chatId}`;
    const previous = this.chains.get(chainKey) ?? Promise.resolve();
    const next = previous.then(() => this.deliverChat(key, options.ignoreSchedule ?? false));
    this.chains.set(chainKey, next);
    void next.finally(() => {
      if (this.chains.get(chainKey) === next) this.chains.delete(chainKey);
    });
    return next;
  }

  /** Everything still queued for one channel account, due or not: run when the channel (re)starts. */
  async flushChannel(channel: Channel): Promise<void> {
    const chats = this.repo.chatsWithPending().filter((k) => k.channel === channel.id && k.accountId === channel.accountId);
    await Promise.all(chats.map((key) => this.flushChat(key, { ignoreSchedule: true })));
  }

  /** One pass of the retry timer; exposed for tests. */
  async flushDue(): Promise<void> {
    if (this.stopped) return;
    try {
      const chats = this.repo.chatsWithPending(this.clock.now()).filter((key) => this.deliverable(key));
      await Promise.all(chats.map((key) => this.flushChat(key)));
    } catch (error) {
      this.logger.error(`outbox pass failed: ${describe(error)}`);
    }
  }

  private async deliverChat(key: OutboxKey, ignoreSchedule: boolean): Promise<void> {
    try {
      for (const row of this.repo.pendingForChat(key)) {
        if (this.stopped || !this.deliverable(key)) return;
        if (!ignoreSchedule && row.nextAttemptAtMs > this.clock.now()) return;
        if (!(await this.deliver(row))) return;
      }
    } catch (error) {
      this.logger.error(`delivering to ${key.channel} chat ${key.chatId} failed: ${describe(error)}`);
    }
  }

  /** Sends one part; true when the next part may follow (sent, or refused for good). */
  private async deliver(row: OutboxRow): Promise<boolean> {
    const channel = this.registry.get(row.channel)!;
    try {
      await this.throughSendGate(`${row.channel}\u0000${row.accountId}`, async () => {
        if (row.sendingAtMs !== undefined && row.sentAtMs === undefined) {
          this.logger.warn(
            `re-sending a message to ${row.channel} chat ${row.chatId} whose earlier attempt never confirmed ` +
              '(crash, stop or network error); the platform may have taken it then, so it can arrive twice',
          );
        }
        this.repo.markSending(row.id, this.clock.now());
        const sent = row.media
          ? await sendPicture(channel, row.chatId, row.media, row.text)
          : await channel.sendText(row.chatId, row.text, { replyToMessageId: row.replyTo, format: 'markdown' });
        // Inside the gate: the part is "sent" before the account's next call starts.
        this.repo.markSent(row.id, sent.messageId, this.clock.now());
      });
      return true;
    } catch (error) {
      const message = describe(error);
      const now = this.clock.now();
      const permanent = error instanceof ChannelSendError && error.permanent;
      if (permanent || now - row.createdAtMs > OUTBOX_GIVE_UP_AFTER_MS) {
        this.logger.warn(`gave up on a message to ${row.channel} chat ${row.chatId}: ${message}`);
        this.repo.markFailed(row.id, message, now);
        return true;
      }
      const retryAfter = error instanceof ChannelSendError ? (error.retryAfterMs ?? 0) : 0;
      const delay = Math.max(retryAfter, backoffDelay(row.attempts, OUTBOX_RETRY_BACKOFF));
      this.logger.warn(
        `message to ${row.channel} chat ${row.chatId} not delivered (${message}); retrying in ${Math.round(delay / 1000)} s`,
      );
      this.repo.markRetry(row.id, now + delay, message);
      return false;
    }
  }

  /** Runs `call` after the previous call of the same account settled: one platform call on the wire per account. */
  private throughSendGate<T>(gateKey: string, call: () => Promise<T>): Promise<T> {
    const previous = this.sendGates.get(gateKey) ?? Promise.resolve();
    const result = previous.then(call, call);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.sendGates.set(gateKey, tail);
    void tail.then(() => {
      if (this.sendGates.get(gateKey) === tail) this.sendGates.delete(gateKey);
    });
    return result;
  }

  /** Only through a running channel of the same account (a changed bot token cannot send the old bot's replies). */
  private deliverable(key: OutboxKey): boolean {
    const channel = this.registry.get(key.channel);
    return channel !== undefined && channel.accountId === key.accountId && channel.state().running;
  }

  private prune(): void {
    try {
      this.repo.prune(this.clock.now() - PRUNE_AFTER_MS);
    } catch (error) {
      this.logger.warn(`could not prune the outbox: ${describe(error)}`);
    }
  }
}

function sendPicture(channel: Channel, chatId: string, media: OutboxMedia, caption: string) {
  if (!channel.sendPhoto) throw new ChannelSendError(`the ${channel.id} channel cannot send pictures`, true);
  return channel.sendPhoto(chatId, media, caption ? { caption } : {});
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
