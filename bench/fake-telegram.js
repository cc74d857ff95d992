'use strict';
// A minimal Telegram Bot API on 127.0.0.1 for the bench (a plain-JS cut of
// test/support/fake-telegram.ts): getMe, deleteWebhook, getUpdates with long
// polling and Telegram's offset semantics, sendMessage, sendChatAction.
// It timestamps (performance.now()) the moment it hands an update to a
// getUpdates long poll and the moment a sendMessage arrives.

const http = require('node:http');
const { performance } = require('node:perf_hooks');

class FakeTelegram {
  constructor(token = '123456789:BENCH-fake-token_abcdefghijklmnopq') {
    this.token = token;
    this.bot = { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Bench Bot', username: 'nestclaw_bench_bot' };
    this.apiRoot = '';
    this.updates = []; // queued, not yet confirmed by a later offset
    this.polls = new Set(); // pending long polls: { offset, limit, respond }
    this.nextUpdateId = 1000;
    this.nextMessageId = 5000;
    this.calls = new Map(); // method -> count
    /** update_id -> performance.now() when it went out in a getUpdates answer (first time only). */
    this.deliveredAt = new Map();
    /** Called with { at, body } for every sendMessage. */
    this.onSendMessage = null;
    /** Called whenever a long poll starts waiting. */
    this.onPoll = null;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async stop() {
    for (const poll of [...this.polls]) poll.respond([]);
    this.polls.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  get pendingPolls() {
    return this.polls.size;
  }

  /** Queues a private-chat text message from `from`; answers a waiting long poll at once. Returns the update_id. */
  pushMessage(from, text) {
    const update = {
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        from: { is_bot: false, ...from },
        chat: { id: from.id, type: 'private', first_name: from.first_name, username: from.username },
        text,
      },
    };
    this.updates.push(update);
    for (const poll of [...this.polls]) {
      const ready = this.ready(poll.offset, poll.limit);
      if (ready.length) poll.respond(ready);
    }
    return update.update_id;
  }

  count(method) {
    return this.calls.get(method) || 0;
  }

  handle(req, res) {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url || '');
      if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== this.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = match[2];
      let body = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        /* treated as empty */
      }
      this.calls.set(method, this.count(method) + 1);
      switch (method) {
        case 'getMe':
          return send(res, 200, {
            ok: true,
            result: { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false },
          });
        case 'deleteWebhook':
          return send(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
        case 'getUpdates':
          return this.getUpdates(body, req, res);
        case 'sendMessage':
          return this.sendMessage(body, res);
        case 'sendChatAction':
          return send(res, 200, { ok: true, result: true });
        default:
          return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      }
    });
  }

  getUpdates(body, req, res) {
    const offset = Number(body.offset || 0);
    const limit = Number(body.limit || 100);
    // Asking with offset N confirms, and forgets, every update below N.
    if (offset > 0) while (this.updates.length && this.updates[0].update_id < offset) this.updates.shift();
    const answer = (updates) => {
      const at = performance.now();
      for (const u of updates) if (!this.deliveredAt.has(u.update_id)) this.deliveredAt.set(u.update_id, at);
      send(res, 200, { ok: true, result: updates });
    };
    const ready = this.ready(offset, limit);
    const timeoutSeconds = Number(body.timeout || 0);
    if (ready.length || timeoutSeconds <= 0) return answer(ready);
    const poll = {
      offset,
      limit,
      respond: (updates) => {
        clearTimeout(timer);
        this.polls.delete(poll);
        answer(updates);
      },
    };
    const timer = setTimeout(() => poll.respond([]), timeoutSeconds * 1000);
    this.polls.add(poll);
    // The poller gave up on it (abort on shutdown): forget it. Also fires after an answer, harmlessly.
    res.once('close', () => {
      clearTimeout(timer);
      this.polls.delete(poll);
    });
    if (this.onPoll) this.onPoll();
  }

  sendMessage(body, res) {
    const at = performance.now();
    if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096) {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty or too long' });
    }
    const messageId = this.nextMessageId++;
    send(res, 200, {
      ok: true,
      result: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(body.chat_id), type: 'private' },
        from: this.bot,
        text: body.text,
      },
    });
    if (this.onSendMessage) this.onSendMessage({ at, body });
  }

  ready(offset, limit) {
    return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
  }
}

function send(res, status, body) {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

module.exports = { FakeTelegram };
