import type { Update, UserFromGetMe } from '@grammyjs/types';
import { Logger, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import * as fs from 'node:fs';
import { Clock } from '../../../common/clock';
import { BackoffOptions, backoffDelay } from '../../../common/client/backoff';
import type { ResolvedTelegram } from '../../../common/config/resolve-features';
import { ExecApprovalsService } from '../../approvals/exec-approvals.service';
import { GatewayRuntime } from '../../config/gateway-runtime';
import type { GatewayHttpAdapter } from '../../gateway/http/gateway-http.adapter';
import type { ChannelAccessPolicy } from '../access/access-policy';
import { ChannelProvider } from '../channel.decorator';
import {
  type Channel,
  type ChannelHost,
  type ChannelProbe,
  ChannelSendError,
  type ChannelState,
  type ChannelStatus,
  type ReceiveResult,
  type SendTextOptions,
  type SentMessage,
  type TargetConversation,
} from '../channel.types';
import { splitText } from '../text/split-text';
import { abortableSleep } from './abortable-sleep';
import { TelegramApiError, TelegramClient } from './telegram.client';
import { resolveApprovers, TelegramApprovalPrompts } from './telegram-approvals';
import { isMarkupRejection, toTelegramHtml } from './telegram-format';
import { TelegramIntake } from './telegram-intake';
import { normalizeUpdate } from './telegram-normalize';
import { TelegramPoller } from './telegram-poller';
import { TELEGRAM_CHANNEL_ID, TelegramStateRepository } from './telegram-state.repository';
import { createWebhookHandler } from './telegram-webhook';
import { ensureWebhookSecret } from './webhook-secret';

/** Telegram allows 4096 characters; a margin keeps split parts clear of it after the HTML is parsed. */
export const TELEGRAM_TEXT_LIMIT = 4_000;
/** Bot API limits for sendPhoto uploads and their captions. */
const TELEGRAM_PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const TELEGRAM_CAPTION_LIMIT = 1_024;
const CONNECT_BACKOFF: BackoffOptions = { initialDelayMs: 1_000, maxDelayMs: 60_000 };
const STOP_GRACE_MS = 3_000;
const INBOX_KEEP_MS = 7 * 24 * 60 * 60_000;

/** The Telegram channel: grammY's Api for the calls, our own loop for receiving (see TelegramIntake). */
@ChannelProvider()
export class TelegramChannel implements Channel, OnModuleInit {
  readonly id = TELEGRAM_CHANNEL_ID;
  readonly textLimit = TELEGRAM_TEXT_LIMIT;
  private readonly logger = new Logger('Telegram');
  private current: ChannelState;
  private client?: TelegramClient;
  private intake?: TelegramIntake;
  private poller?: TelegramPoller;
  private host?: ChannelHost;
  private bot?: UserFromGetMe;
  private connecting?: Promise<void>;
  private abort?: AbortController;
  private webhookSecret?: string;
  private receiving = false;
  private approvalPrompts?: TelegramApprovalPrompts;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly repo: TelegramStateRepository,
    private readonly clock: Clock,
    private readonly adapterHost: HttpAdapterHost<GatewayHttpAdapter>,
    @Optional() private readonly approvals?: ExecApprovalsService,
  ) {
    this.current = { configured: this.configured, running: false };
  }

  /** Read from the runtime on each use: a hot reload (config.patch, a file edit) applies to the next message. */
  private get config(): ResolvedTelegram {
    return this.runtime.config.channels.telegram;
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** The bot's user id, the part of the token before the colon: cursors and queued replies are per bot. */
  get accountId(): string {
    return /^(\d+):/.exec(this.config.botToken ?? '')?.[1] ?? 'default';
  }

  get accessPolicy(): ChannelAccessPolicy {
    const { dmPolicy, allowFrom, groups } = this.config;
    return { dmPolicy, allowFrom, groups };
  }

  private get configured(): boolean {
    return this.enabled && Boolean(this.config.botToken);
  }

  private get mode(): 'webhook' | 'polling' {
    return this.config.webhook ? 'webhook' : 'polling';
  }

  /** The webhook route must exist before Nest installs its 404 handler, which happens right after init. */
  onModuleInit(): void {
    const webhook = this.config.webhook;
    if (!this.configured || !webhook) return;
    this.webhookSecret = webhook.secret ?? ensureWebhookSecret(this.runtime.config.stateDir).secret;
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    adapter.route(
      'POST',
      webhook.path,
      createWebhookHandler(
        this.webhookSecret,
        { ready: () => this.receiving, accept: (update) => this.intake!.accept(update) },
        (message) => this.logger.error(message),
      ),
    );
  }

  async start(host: ChannelHost): Promise<void> {
    if (!this.configured || this.connecting) return;
    this.host = host;
    const client = this.api();
    this.intake = new TelegramIntake({
      store: this.repo,
      accountId: this.accountId,
      now: () => this.clock.now(),
      handle: (update) => this.handleUpdate(update),
      onError: (message) => this.logger.error(message),
    });
    this.poller = new TelegramPoller(client, this.intake, {
      polled: () => this.update({ linked: true, lastError: undefined }),
      failed: (error) => this.onReceiveError(error),
    });
    if (this.approvals) {
      this.approvalPrompts = new TelegramApprovalPrompts({
        client,
        approvals: this.approvals,
        approvers: () => resolveApprovers(this.config, () => this.host?.firstPairedSender()),
        warn: (message) => this.logger.warn(message),
      });
    }
    this.abort = new AbortController();
    // Start-up must not wait on Telegram: the gateway serves its port while this connects and retries.
    this.connecting = this.connect(client, this.abort.signal);
  }

  async stop(): Promise<void> {
    this.approvalPrompts?.stop();
    this.abort?.abort();
    await this.connecting;
    await this.poller?.stop();
    this.receiving = false;
    this.intake?.close();
    // Runs in flight get a moment to finish; what does not finish stays in the inbox for the next start.
    await this.intake?.idle(STOP_GRACE_MS);
    this.connecting = undefined;
    // The next start may have another token or API root (a hot reload restarts the channel).
    this.client = undefined;
    this.update({ running: false, configured: this.configured });
  }

  state(): ChannelState {
    return { ...this.current };
  }

  async status(probe = false): Promise<ChannelStatus> {
    const status: ChannelStatus = { ...this.state(), enabled: this.enabled, mode: this.mode };
    if (this.configured) status.accountId = this.accountId;
    if (probe) status.probe = await this.probe();
    return status;
  }

  async sendText(target: string, text: string, options: SendTextOptions = {}): Promise<SentMessage> {
    const client = this.api();
    let last: SentMessage | undefined;
    for (const [index, part] of splitText(text, this.textLimit).entries()) {
      const replyTo = index === 0 && options.replyToMessageId ? Number(options.replyToMessageId) : undefined;
      last = await this.sendPart(client, target, part, replyTo, options.format ?? 'markdown');
    }
    return last!;
  }

  async sendPhoto(target: string, photo: { path: string }, options: { caption?: string } = {}): Promise<SentMessage> {
    const client = this.api();
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(photo.path);
    } catch {
      throw new ChannelSendError('the picture to send is gone from the state dir (deleted or expired)', true);
    }
    if (bytes.length > TELEGRAM_PHOTO_MAX_BYTES) {
      throw new ChannelSendError(
        `the picture is larger than Telegram's ${TELEGRAM_PHOTO_MAX_BYTES / 1024 / 1024} MB photo limit`,
        true,
      );
    }
    const caption = options.caption ? options.caption.slice(0, TELEGRAM_CAPTION_LIMIT) : undefined;
    const sent = await client.sendPhoto(target, bytes, { caption });
    return { messageId: String(sent.message_id) };
  }

  async sendTyping(target: string): Promise<void> {
    await this.api().sendTyping(target);
  }

  /** Private chats have the user's (positive) id; groups and supergroups negative ids. */
  conversationOf(target: string): TargetConversation | undefined {
    if (!/^-?\d+$/.test(target)) return undefined;
    return target.startsWith('-')
      ? { isGroup: true, chatId: target, senderId: '' }
      : { isGroup: false, chatId: target, senderId: target };
  }

  private async sendPart(
    client: TelegramClient,
    chatId: string,
    text: string,
    replyTo: number | undefined,
    format: 'markdown' | 'plain',
  ): Promise<SentMessage> {
    if (format === 'markdown') {
      try {
        const sent = await client.sendMessage(chatId, toTelegramHtml(text), { parseMode: 'HTML', replyToMessageId: replyTo });
        return { messageId: String(sent.message_id) };
      } catch (error) {
        if (!(error instanceof TelegramApiError && isMarkupRejection(error.status, error.description))) throw error;
        this.logger.warn(`telegram refused the formatted text (${error.description}); sending it as plain text`);
      }
    }
    const sent = await client.sendMessage(chatId, text, { replyToMessageId: replyTo });
    return { messageId: String(sent.message_id) };
  }

  private async connect(client: TelegramClient, signal: AbortSignal): Promise<void> {
    const bot = await this.untilDone(signal, () => client.getMe(signal));
    if (!bot) return;
    this.bot = bot;
    this.update({ running: true, linked: true, lastError: undefined });
    this.logger.log(`linked as @${bot.username} (${this.mode})`);
    // Replies queued before a crash or restart go out before anything new comes in.
    await this.host!.flushOutbox();
    const webhook = this.config.webhook;
    const registered = await this.untilDone(signal, () =>
      webhook ? client.setWebhook(webhook.url, this.webhookSecret!) : client.deleteWebhook(),
    );
    if (!registered) return;
    this.repo.pruneHandled(this.accountId, this.clock.now() - INBOX_KEEP_MS);
    this.intake!.resume();
    this.approvalPrompts?.start();
    this.receiving = true;
    if (!webhook) this.poller!.start();
  }

  /** Retries a start-up call with backoff until it works or the channel stops; undefined when stopped. */
  private async untilDone<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (signal.aborted) break;
        const failure = error as TelegramApiError;
        this.onReceiveError(failure);
        await abortableSleep(failure.retryAfterMs ?? backoffDelay(attempt, CONNECT_BACKOFF), signal);
      }
    }
    return undefined;
  }

  private onReceiveError(error: TelegramApiError): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.current.lastError) this.logger.warn(message);
    this.update({ lastError: message, ...(error.kind === 'unauthorized' ? { linked: false } : {}) });
  }

  private async handleUpdate(update: Update): Promise<ReceiveResult> {
    if (update.callback_query) {
      const ours = await this.approvalPrompts?.onCallback(update.callback_query);
      // A press on a button we no longer know still gets its spinner stopped.
      if (!ours)
        await this.api()
          .answerCallbackQuery(update.callback_query.id)
          .catch(() => undefined);
      return 'handled';
    }
    const envelope = normalizeUpdate(update, this.bot!, this.accountId);
    if (!envelope) return 'handled';
    return this.host!.receive(envelope, String(update.update_id));
  }

  private async probe(): Promise<ChannelProbe> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (!this.configured)
      return { ok: false, elapsedMs: 0, error: 'not configured: set channels.telegram.enabled and a bot token' };
    try {
      const me = await this.api().getMe();
      return { ok: true, elapsedMs: elapsed(), account: { id: String(me.id), username: me.username, name: me.first_name } };
    } catch (error) {
      return { ok: false, elapsedMs: elapsed(), error: error instanceof Error ? error.message : String(error) };
    }
  }

  private api(): TelegramClient {
    if (!this.configured)
      throw new ChannelSendError('telegram is not enabled: set channels.telegram.enabled and a bot token', true);
    this.client ??= new TelegramClient({ token: this.config.botToken!, apiRoot: this.config.apiRoot });
    return this.client;
  }

  private update(change: Partial<ChannelState>): void {
    const next = { ...this.current, ...change };
    if ('lastError' in change && change.lastError === undefined) delete next.lastError;
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    if (changed) this.host?.stateChanged();
  }
}
