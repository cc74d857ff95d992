import type { InlineKeyboardMarkup, Message, Update, UserFromGetMe } from '@grammyjs/types';
import type { Api } from 'grammy';
import { BackoffOptions, backoffDelay } from '../../../common/client/backoff';
import { ChannelSendError } from '../channel.types';
import { abortableSleep } from './abortable-sleep';

export type TelegramFailureKind = 'rate-limited' | 'transient' | 'permanent' | 'unauthorized' | 'conflict' | 'aborted';

/**
 * A failed Bot API call, already classified and with the bot token scrubbed
 * from everything it carries: grammY's own errors can include the request
 * URL, which holds the token.
 */
export class TelegramApiError extends ChannelSendError {
  constructor(
    readonly method: string,
    readonly kind: TelegramFailureKind,
    message: string,
    readonly status?: number,
    readonly description?: string,
    retryAfterMs?: number,
  ) {
    super(message, kind === 'permanent' || kind === 'unauthorized', retryAfterMs);
    this.name = 'TelegramApiError';
  }
}

export interface TelegramClientOptions {
  token: string;
  apiRoot: string;
  /** Tries per call for 429 / 5xx / network failures (default 4). */
  maxAttempts?: number;
  /** A 429 asking to wait longer than this is not waited out in-line (default 30 s); the caller schedules it. */
  maxInlineRetryAfterMs?: number;
  backoff?: BackoffOptions;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface SendMessageOptions {
  parseMode?: 'HTML';
  replyToMessageId?: number;
  /** Buttons under the message (exec approval prompts). */
  replyMarkup?: InlineKeyboardMarkup;
}

/** Updates the bot asks Telegram for: messages, and presses of its inline buttons. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** grammY types its signals with the abort-controller shim; Node's own AbortSignal works the same at runtime. */
type GrammySignal = Parameters<Api['getUpdates']>[1];
const toGrammy = (signal?: AbortSignal) => signal as unknown as GrammySignal;

/**
 * grammY is loaded on the first Bot API call, not at start-up: a gateway
 * without Telegram never pays for it, and one with it listens sooner.
 */
type Grammy = typeof import('grammy');
interface LoadedApi {
  grammy: Grammy;
  api: Api;
}

const DEFAULT_RETRY_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 10_000 };

/**
 * The Bot API calls the channel makes, through grammY's Api, with one retry
 * policy: 429 waits `parameters.retry_after`, 5xx and network failures back
 * off (capped, jittered), anything else fails at once.
 */
export class TelegramClient {
  private loaded?: Promise<LoadedApi>;
  private readonly maxAttempts: number;
  private readonly maxInlineRetryAfterMs: number;
  private readonly backoff: BackoffOptions;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: TelegramClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxInlineRetryAfterMs = options.maxInlineRetryAfterMs ?? 30_000;
    this.backoff = options.backoff ?? DEFAULT_RETRY_BACKOFF;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  private load(): Promise<LoadedApi> {
    this.loaded ??= import('grammy').then((grammy) => ({
      grammy,
      // timeoutSeconds bounds every call; long polls ask Telegram for much less (see TelegramPoller).
      api: new grammy.Api(this.options.token, { apiRoot: this.options.apiRoot, timeoutSeconds: 75 }),
    }));
    return this.loaded;
  }

  getMe(signal?: AbortSignal): Promise<UserFromGetMe> {
    return this.call('getMe', ({ api }) => api.getMe(toGrammy(signal)), { signal });
  }

  /** One long poll; not retried here, the poller's loop owns retrying it. */
  getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<Update[]> {
    return this.call(
      'getUpdates',
      ({ api }) => api.getUpdates({ offset, timeout: timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] }, toGrammy(signal)),
      {
        attempts: 1,
        signal,
      },
    );
  }

  sendMessage(chatId: string, text: string, options: SendMessageOptions = {}): Promise<Message.TextMessage> {
    return this.call('sendMessage', ({ api }) =>
      api.sendMessage(chatId, text, {
        ...(options.parseMode ? { parse_mode: options.parseMode } : {}),
        ...(options.replyToMessageId
          ? { reply_parameters: { message_id: options.replyToMessageId, allow_sending_without_reply: true } }
          : {}),
        ...(options.replyMarkup ? { reply_markup: options.replyMarkup } : {}),
        link_preview_options: { is_disabled: true },
      }),
    );
  }

  /** Uploads a picture; the bytes are in memory, so a retry sends them again without reopening a file. */
  sendPhoto(chatId: string, photo: Buffer, options: { caption?: string } = {}): Promise<Message.PhotoMessage> {
    return this.call('sendPhoto', ({ api, grammy }) =>
      api.sendPhoto(chatId, new grammy.InputFile(photo, 'screenshot.png'), options.caption ? { caption: options.caption } : {}),
    );
  }

  /** Replaces a message's text; without replyMarkup its buttons go away. */
  editMessageText(
    chatId: string,
    messageId: number,
    text: string,
    options: { replyMarkup?: InlineKeyboardMarkup } = {},
  ): Promise<unknown> {
    return this.call('editMessageText', ({ api }) =>
      api.editMessageText(chatId, messageId, text, {
        ...(options.replyMarkup ? { reply_markup: options.replyMarkup } : {}),
        link_preview_options: { is_disabled: true },
      }),
    );
  }

  /** Stops the button's spinner; the text shows briefly on the presser's screen. */
  answerCallbackQuery(callbackQueryId: string, text?: string): Promise<true> {
    return this.call('answerCallbackQuery', ({ api }) => api.answerCallbackQuery(callbackQueryId, text ? { text } : {}), {
      attempts: 2,
    });
  }

  /** Best effort and short-lived by nature: one try. */
  sendTyping(chatId: string): Promise<true> {
    return this.call('sendChatAction', ({ api }) => api.sendChatAction(chatId, 'typing'), { attempts: 1 });
  }

  setWebhook(url: string, secretToken: string): Promise<true> {
    return this.call('setWebhook', ({ api }) =>
      api.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] }),
    );
  }

  deleteWebhook(): Promise<true> {
    return this.call('deleteWebhook', ({ api }) => api.deleteWebhook({ drop_pending_updates: false }));
  }

  private async call<T>(
    method: string,
    run: (loaded: LoadedApi) => Promise<T>,
    options: { attempts?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const attempts = options.attempts ?? this.maxAttempts;
    const loaded = await this.load();
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(loaded);
      } catch (error) {
        const failure = this.classify(loaded.grammy, method, error, options.signal);
        const last = attempt + 1 >= attempts;
        if (!last && failure.kind === 'rate-limited' && (failure.retryAfterMs ?? 0) <= this.maxInlineRetryAfterMs) {
          await this.sleep(failure.retryAfterMs ?? 1_000, options.signal);
          continue;
        }
        if (!last && failure.kind === 'transient') {
          await this.sleep(backoffDelay(attempt, this.backoff, this.random), options.signal);
          continue;
        }
        throw failure;
      }
    }
  }

  private classify({ GrammyError, HttpError }: Grammy, method: string, error: unknown, signal?: AbortSignal): TelegramApiError {
    if (signal?.aborted) return new TelegramApiError(method, 'aborted', `telegram ${method} aborted`);
    if (error instanceof GrammyError) {
      const status = error.error_code;
      const description = this.scrub(error.description);
      if (status === 429) {
        const retryAfterMs = Math.max(1, error.parameters.retry_after ?? 1) * 1_000;
        return new TelegramApiError(
          method,
          'rate-limited',
          `telegram ${method}: rate limited, retry after ${retryAfterMs / 1000} s`,
          status,
          description,
          retryAfterMs,
        );
      }
      if (status === 401 || status === 404) {
        // The Bot API answers 404 for a token that names no bot.
        return new TelegramApiError(
          method,
          'unauthorized',
          `telegram rejected the bot token (${status} ${description}): check channels.telegram.botToken or TELEGRAM_BOT_TOKEN`,
          status,
          description,
        );
      }
      if (status === 409) {
        return new TelegramApiError(
          method,
          'conflict',
          `telegram ${method}: ${description} (another process is using this bot token)`,
          status,
          description,
        );
      }
      const kind = status >= 500 ? 'transient' : 'permanent';
      return new TelegramApiError(method, kind, `telegram ${method}: ${status} ${description}`, status, description);
    }
    if (error instanceof HttpError) {
      const cause = error.error as { name?: string; code?: string; type?: string } | undefined;
      if (cause?.name === 'AbortError' && signal?.aborted)
        return new TelegramApiError(method, 'aborted', `telegram ${method} aborted`);
      // Never the cause's message: node-fetch puts the request URL, with the token, in it.
      const reason = cause?.code ?? cause?.type ?? cause?.name ?? 'request failed';
      return new TelegramApiError(method, 'transient', `telegram ${method}: network error (${this.scrub(String(reason))})`);
    }
    const text = error instanceof Error ? error.message : String(error);
    return new TelegramApiError(method, 'transient', `telegram ${method}: ${this.scrub(text)}`);
  }

  private scrub(text: string): string {
    return scrubSecret(text, this.options.token);
  }
}

/** Replaces every occurrence of the secret (raw or URL-encoded) in text. */
export function scrubSecret(text: string, secret: string): string {
  if (!secret) return text;
  return text.split(secret).join('<redacted>').split(encodeURIComponent(secret)).join('<redacted>');
}
