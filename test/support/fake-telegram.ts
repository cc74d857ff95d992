import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTimeout } from './ws-test-client';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  is_bot?: boolean;
}

export interface IncomingMessage {
  chatId: number;
  from: FakeUser;
  text: string;
  chatType?: 'private' | 'group' | 'supergroup';
  chatTitle?: string;
  entities?: Array<{ type: string; offset: number; length: number; user?: FakeUser }>;
  replyToFrom?: FakeUser;
}

export interface SentMessage {
  message_id: number;
  chat_id: string;
  text: string;
  parse_mode?: string;
  reply_parameters?: { message_id: number };
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };
  at: number;
}

/** A press of an inline button under one of the bot's messages. */
export interface IncomingCallback {
  from: FakeUser;
  data: string;
  /** The bot's message the button is under. */
  message: SentMessage;
}

export interface EditedMessage {
  chat_id: string;
  message_id: number;
  text: string;
  reply_markup?: unknown;
  at: number;
}

export interface AnsweredCallback {
  callback_query_id: string;
  text?: string;
  at: number;
}

/** A sendPhoto upload: the multipart fields and the file's bytes. */
export interface SentPhoto {
  message_id: number;
  chat_id: string;
  caption?: string;
  fileName?: string;
  photo: Buffer;
  at: number;
}

export interface ApiCall {
  method: string;
  body: Record<string, any>;
  at: number;
}

interface ScriptedReply {
  status: number;
  body?: unknown;
  /** Close the socket without answering: a network error for the client. */
  drop?: boolean;
}

interface PendingPoll {
  offset: number;
  limit: number;
  respond: (updates: unknown[]) => void;
}

/**
 * A Telegram Bot API on 127.0.0.1 for tests: real HTTP, the routes the gateway
 * uses, getUpdates long polling with Telegram's offset semantics (asking with
 * offset N confirms, and forgets, every update below N), and scriptable
 * failures.
 */
export class FakeTelegram {
  readonly bot: FakeUser & { is_bot: true };
  readonly sent: SentMessage[] = [];
  readonly photos: SentPhoto[] = [];
  readonly calls: ApiCall[] = [];
  readonly edits: EditedMessage[] = [];
  readonly answeredCallbacks: AnsweredCallback[] = [];
  webhook?: { url: string; secret_token?: string };
  /** When true, sendMessage with any parse_mode fails with Telegram's 400 "can't parse entities". */
  rejectMarkup = false;
  /**
   * When true, sendMessage is accepted (recorded in `sent`, as Telegram would
   * deliver it) but its HTTP answer is held back until releaseSends(): the
   * window in which a crashed gateway cannot know the message went out.
   */
  holdSends = false;
  private readonly heldAnswers: Array<() => void> = [];
  /** The highest offset a getUpdates call confirmed. */
  confirmedOffset = 0;
  private server?: http.Server;
  private readonly updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  private readonly polls = new Set<PendingPoll>();
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private readonly listeners = new Set<() => void>();
  private nextUpdateId: number;
  private nextMessageId = 5_000;
  apiRoot = '';

  constructor(
    readonly token = '123456789:TEST-fake-token_abcdefghijklmnopqrst',
    options: { username?: string; firstUpdateId?: number } = {},
  ) {
    this.bot = {
      id: Number(token.split(':')[0]),
      is_bot: true,
      first_name: 'Test Bot',
      username: options.username ?? 'nestclaw_test_bot',
    };
    this.nextUpdateId = options.firstUpdateId ?? 100;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const poll of this.polls) poll.respond([]);
    this.polls.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  /** Queues a message update as Telegram would deliver it; returns its update_id. */
  pushMessage(message: IncomingMessage): number {
    const update = this.buildUpdate(message);
    this.updates.push(update);
    this.wakePolls();
    return update.update_id;
  }

  /** Queues a callback_query update (an inline button pressed); returns its update_id. */
  pushCallbackQuery(callback: IncomingCallback): number {
    const update = {
      update_id: this.nextUpdateId++,
      callback_query: {
        id: String(this.nextMessageId++),
        from: { is_bot: false, ...callback.from },
        chat_instance: '1',
        data: callback.data,
        message: {
          message_id: callback.message.message_id,
          date: Math.floor(callback.message.at / 1000),
          chat: { id: Number(callback.message.chat_id), type: 'private', first_name: callback.from.first_name },
          from: this.bot,
          text: callback.message.text,
        },
      },
    };
    this.updates.push(update);
    this.wakePolls();
    return update.update_id;
  }

  /** An update as Telegram would send it, not queued (for posting to a webhook). */
  buildUpdate(message: IncomingMessage): { update_id: number } & Record<string, unknown> {
    const chatType = message.chatType ?? (message.chatId > 0 ? 'private' : 'supergroup');
    const update = {
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        from: { is_bot: false, ...message.from },
        chat:
          chatType === 'private'
            ? { id: message.chatId, type: 'private', first_name: message.from.first_name, username: message.from.username }
            : { id: message.chatId, type: chatType, title: message.chatTitle ?? 'Test group' },
        text: message.text,
        ...(message.entities ? { entities: message.entities } : {}),
        ...(message.replyToFrom
          ? {
              reply_to_message: {
                message_id: 1,
                date: 0,
                chat: { id: message.chatId, type: chatType },
                from: message.replyToFrom,
                text: 'earlier',
              },
            }
          : {}),
      },
    };
    return update;
  }

  /** The next `times` calls of method get this answer instead of the normal one. */
  script(method: string, reply: ScriptedReply, times = 1): void {
    const queue = this.scripts.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(reply);
    this.scripts.set(method, queue);
  }

  rateLimitNext(method: string, retryAfterSeconds: number, times = 1): void {
    this.script(
      method,
      {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfterSeconds}`,
          parameters: { retry_after: retryAfterSeconds },
        },
      },
      times,
    );
  }

  failNext(method: string, status = 500, times = 1): void {
    this.script(
      method,
      { status, body: { ok: false, error_code: status, description: status >= 500 ? 'Internal Server Error' : 'Bad Request' } },
      times,
    );
  }

  sentTo(chatId: number | string): SentMessage[] {
    return this.sent.filter((m) => m.chat_id === String(chatId));
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the sent messages once `count` went to the chat. */
  waitForSent(chatId: number | string, count = 1, timeoutMs = 10_000): Promise<SentMessage[]> {
    return this.waitUntil(
      () => (this.sentTo(chatId).length >= count ? this.sentTo(chatId) : undefined),
      timeoutMs,
      `${count} message(s) to ${chatId}`,
    );
  }

  waitForCall(method: string, predicate: (call: ApiCall) => boolean = () => true, timeoutMs = 10_000): Promise<ApiCall> {
    return this.waitUntil(() => this.calls.find((c) => c.method === method && predicate(c)), timeoutMs, `a ${method} call`);
  }

  waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve) => {
        const listener = () => {
          const value = check();
          if (value === undefined) return;
          this.listeners.delete(listener);
          resolve(value);
        };
        this.listeners.add(listener);
        listener();
      }),
      timeoutMs,
      what,
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const raw = await readBody(req);
    const multipart = parseMultipart(req.headers['content-type'], raw);
    const body = multipart ? multipart.fields : parseJsonBody(raw);
    if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match;
    if (token !== this.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    this.calls.push({ method, body, at: Date.now() });
    this.notify();

    const scripted = this.scripts.get(method)?.shift();
    if (scripted?.drop) return void req.socket.destroy();
    if (scripted) return send(res, scripted.status, scripted.body);

    switch (method) {
      case 'getMe':
        return send(res, 200, {
          ok: true,
          result: { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false },
        });
      case 'getUpdates':
        return this.getUpdates(body, req, res);
      case 'sendMessage':
        return this.sendMessage(body, res);
      case 'sendPhoto':
        // grammY names the file part at random and points at it with "attach://<name>".
        return this.sendPhoto(
          body,
          multipart?.files[String(body.photo ?? '').replace(/^attach:\/\//, '')] ?? multipart?.files.photo,
          res,
        );
      case 'sendChatAction':
        return send(res, 200, { ok: true, result: true });
      case 'editMessageText':
        this.edits.push({
          chat_id: String(body.chat_id),
          message_id: Number(body.message_id),
          text: body.text,
          ...(body.reply_markup ? { reply_markup: body.reply_markup } : {}),
          at: Date.now(),
        });
        this.notify();
        return send(res, 200, {
          ok: true,
          result: {
            message_id: Number(body.message_id),
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(body.chat_id), type: 'private' },
            text: body.text,
          },
        });
      case 'answerCallbackQuery':
        this.answeredCallbacks.push({
          callback_query_id: String(body.callback_query_id),
          ...(body.text ? { text: body.text } : {}),
          at: Date.now(),
        });
        this.notify();
        return send(res, 200, { ok: true, result: true });
      case 'setWebhook':
        this.webhook = { url: body.url, secret_token: body.secret_token };
        return send(res, 200, { ok: true, result: true, description: 'Webhook was set' });
      case 'deleteWebhook':
        this.webhook = undefined;
        return send(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
      default:
        return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  private getUpdates(body: Record<string, any>, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.webhook) {
      return send(res, 409, {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    if (offset > 0) {
      this.confirmedOffset = Math.max(this.confirmedOffset, offset);
      while (this.updates.length && this.updates[0].update_id < offset) this.updates.shift();
    }
    const ready = this.pending(offset, limit);
    const timeoutSeconds = Number(body.timeout ?? 0);
    if (ready.length || timeoutSeconds <= 0) return send(res, 200, { ok: true, result: ready });
    const poll: PendingPoll = {
      offset,
      limit,
      respond: (updates) => {
        clearTimeout(timer);
        this.polls.delete(poll);
        send(res, 200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => poll.respond([]), timeoutSeconds * 1000);
    this.polls.add(poll);
    req.on('close', () => {
      clearTimeout(timer);
      this.polls.delete(poll);
    });
  }

  private sendMessage(body: Record<string, any>, res: http.ServerResponse): void {
    if (this.rejectMarkup && body.parse_mode) {
      return send(res, 400, {
        ok: false,
        error_code: 400,
        description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
      });
    }
    if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096) {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty or too long' });
    }
    const message: SentMessage = {
      message_id: this.nextMessageId++,
      chat_id: String(body.chat_id),
      text: body.text,
      ...(body.parse_mode ? { parse_mode: body.parse_mode } : {}),
      ...(body.reply_parameters ? { reply_parameters: body.reply_parameters } : {}),
      ...(body.reply_markup ? { reply_markup: body.reply_markup } : {}),
      at: Date.now(),
    };
    this.sent.push(message);
    this.notify();
    const answer = () =>
      send(res, 200, {
        ok: true,
        result: {
          message_id: message.message_id,
          date: Math.floor(message.at / 1000),
          chat: { id: Number(body.chat_id), type: 'private' },
          from: this.bot,
          text: body.text,
        },
      });
    if (this.holdSends) this.heldAnswers.push(answer);
    else answer();
  }

  /** Answers every held sendMessage and stops holding. */
  releaseSends(): void {
    this.holdSends = false;
    this.heldAnswers.splice(0).forEach((answer) => answer());
  }

  private sendPhoto(
    body: Record<string, any>,
    file: { fileName?: string; data: Buffer } | undefined,
    res: http.ServerResponse,
  ): void {
    if (!file || file.data.length === 0) {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: there is no photo in the request' });
    }
    const photo: SentPhoto = {
      message_id: this.nextMessageId++,
      chat_id: String(body.chat_id),
      ...(body.caption ? { caption: String(body.caption) } : {}),
      ...(file.fileName ? { fileName: file.fileName } : {}),
      photo: file.data,
      at: Date.now(),
    };
    this.photos.push(photo);
    this.notify();
    send(res, 200, {
      ok: true,
      result: {
        message_id: photo.message_id,
        date: Math.floor(photo.at / 1000),
        chat: { id: Number(body.chat_id), type: 'private' },
        photo: [{ file_id: `photo-${photo.message_id}`, file_unique_id: `u${photo.message_id}`, width: 1280, height: 800 }],
      },
    });
  }

  private pending(offset: number, limit: number): unknown[] {
    return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
  }

  private wakePolls(): void {
    for (const poll of [...this.polls]) {
      const ready = this.pending(poll.offset, poll.limit);
      if (ready.length) poll.respond(ready);
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function parseJsonBody(raw: Buffer): Record<string, any> {
  try {
    return raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    return {};
  }
}

/** Just enough of multipart/form-data for grammY's uploads: text fields, and files by field name. */
function parseMultipart(
  contentType: string | undefined,
  raw: Buffer,
): { fields: Record<string, string>; files: Record<string, { fileName?: string; data: Buffer }> } | undefined {
  const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!boundary) return undefined;
  const fields: Record<string, string> = {};
  const files: Record<string, { fileName?: string; data: Buffer }> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const data = part.subarray(headerEnd + 4);
      // grammY writes `name="x"` quoted but `filename=x` bare; accept both forms.
      const name = /(?:^|;)\s*name="?([^";\r\n]*)"?/im.exec(headers)?.[1];
      const fileName = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
      if (name !== undefined) {
        if (fileName !== undefined) files[name] = { fileName, data: Buffer.from(data) };
        else fields[name] = data.toString('utf8');
      }
    }
    start = next;
  }
  return { fields, files };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
