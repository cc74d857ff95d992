import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import { createTestApp, makeStateDir, type TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const ada: FakeUser = { id: 1001, first_name: 'Ada', last_name: 'Lovelace', username: 'ada' };
const grace: FakeUser = { id: 1002, first_name: 'Grace', username: 'grace' };
const linus: FakeUser = { id: 1003, first_name: 'Linus' };
const eve: FakeUser = { id: 2001, first_name: 'Eve', username: 'eve' };
const ALLOWED = [ada.id, grace.id, linus.id];

const HELP_MARK = '/help – this list';

function telegramConfig(fake: FakeTelegram, extra: Record<string, unknown> = {}) {
  return { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, allowFrom: ALLOWED, ...extra };
}

function cliEnv(app: TestApp) {
  return { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) };
}

async function cli(app: TestApp, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = runCli(args, cliEnv(app));
  const { code } = await run.exited;
  return { code, output: run.output() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('Telegram channel (fake Bot API, long polling)', () => {
  let fake: FakeTelegram;
  let app: TestApp;
  let admin: WsTestClient;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({ config: { channels: { telegram: telegramConfig(fake) } } });
    await fake.waitForCall('getUpdates');
    admin = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await fake?.stop();
  });

  it('answers an allowed sender with the builtin agent, showing typing while it works', async () => {
    // Act
    fake.pushMessage({ chatId: ada.id, from: ada, text: '/help' });
    const [answer] = await fake.waitForSent(ada.id);

    // Assert
    expect(answer.text).toContain(HELP_MARK);
    expect(answer.parse_mode).toBe('HTML');
    expect(fake.callsOf('sendChatAction').some((c) => c.body.chat_id === String(ada.id) && c.body.action === 'typing')).toBe(
      true,
    );
    const history = await admin.request('chat.history', { sessionKey: `main:telegram:dm:${ada.id}` });
    expect((history.payload as { messages: Array<{ role: string; content: string }> }).messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
    ]);
    // The update is confirmed to Telegram (the next poll asks past it).
    await fake.waitForCall('getUpdates', (c) => c.body.offset > 0);
  });

  it('gives an unknown sender a pairing code and lets nothing reach the agent until `nestclaw pairing approve`', async () => {
    // Act: a stranger writes.
    fake.pushMessage({ chatId: eve.id, from: eve, text: 'hello, who are you?' });
    const [codeMessage] = await fake.waitForSent(eve.id);

    // Assert: a code, and no session (no agent run) for the stranger.
    const code = /pairing code: ([A-Z0-9]{8})/.exec(codeMessage.text)?.[1];
    expect(code).toBeDefined();
    expect(codeMessage.text).toContain(`nestclaw pairing approve telegram ${code}`);
    const sessions = (await admin.request('sessions.list')).payload as { sessions: Array<{ sessionKey: string }> };
    expect(sessions.sessions.map((s) => s.sessionKey)).not.toContain(`main:telegram:dm:${eve.id}`);

    // Act: the owner looks, then approves.
    const listed = await cli(app, ['pairing', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain(code);
    expect(listed.output).toContain(`Eve (${eve.id})`);
    const approved = await cli(app, ['pairing', 'approve', 'telegram', code!.toLowerCase()]);
    expect(approved.code).toBe(0);
    expect(approved.output).toContain(`approved Eve (${eve.id}) on telegram`);
    await fake.waitForSent(eve.id, 2);

    // Act: the next message goes through.
    fake.pushMessage({ chatId: eve.id, from: eve, text: '/help' });
    const messages = await fake.waitForSent(eve.id, 3);

    // Assert
    expect(messages[2].text).toContain(HELP_MARK);
    expect((await cli(app, ['pairing', 'list'])).output).toContain('no pairing codes are waiting');
  });

  it('refuses an unknown pairing code with a hint (exit 1)', async () => {
    const { code, output } = await cli(app, ['pairing', 'approve', 'telegram', 'ZZZZ2222']);
    expect(code).toBe(1);
    expect(output).toContain('no pending pairing code ZZZZ2222 for telegram');
  });

  it('waits out a 429 for the retry_after Telegram asks for', async () => {
    // Arrange
    fake.rateLimitNext('sendMessage', 1);
    const before = fake.callsOf('sendMessage').length;

    // Act
    fake.pushMessage({ chatId: grace.id, from: grace, text: '/help' });
    const [answer] = await fake.waitForSent(grace.id);

    // Assert
    const attempts = fake.callsOf('sendMessage').slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
    expect(answer.text).toContain(HELP_MARK);
  });

  it('retries a 500 from the Bot API with backoff and answers once', async () => {
    // Arrange
    fake.failNext('sendMessage', 500, 2);
    const before = fake.sentTo(linus.id).length;

    // Act
    fake.pushMessage({ chatId: linus.id, from: linus, text: '/help' });
    await fake.waitForSent(linus.id, before + 1);
    await sleep(300);

    // Assert
    expect(fake.sentTo(linus.id)).toHaveLength(before + 1);
  });

  it('keeps polling through getUpdates failures, backing off', async () => {
    // Arrange: the poll now waiting returns with this message; the next two polls fail.
    fake.failNext('getUpdates', 502, 2);
    const before = fake.sentTo(ada.id).length;
    const pollsBefore = fake.callsOf('getUpdates').length;
    fake.pushMessage({ chatId: ada.id, from: ada, text: '/help' });
    await fake.waitForSent(ada.id, before + 1);

    // Act: a message that arrives while the polls fail.
    await fake.waitUntil(
      () => (fake.callsOf('getUpdates').length >= pollsBefore + 2 ? true : undefined),
      5_000,
      'the failing polls',
    );
    fake.pushMessage({ chatId: ada.id, from: ada, text: '/help' });

    // Assert
    await fake.waitForSent(ada.id, before + 2, 15_000);
    const polls = fake.callsOf('getUpdates').slice(pollsBefore);
    expect(polls[2].at - polls[1].at).toBeGreaterThanOrEqual(400);
  });

  it('falls back to plain text when Telegram rejects the markup', async () => {
    // Arrange
    fake.rejectMarkup = true;
    const before = fake.sentTo(grace.id).length;

    try {
      // Act
      fake.pushMessage({ chatId: grace.id, from: grace, text: '/help' });
      const messages = await fake.waitForSent(grace.id, before + 1);

      // Assert
      const answer = messages[before];
      expect(answer.parse_mode).toBeUndefined();
      expect(answer.text).toContain(HELP_MARK);
      expect(fake.callsOf('sendMessage').some((c) => c.body.chat_id === String(grace.id) && c.body.parse_mode === 'HTML')).toBe(
        true,
      );
    } finally {
      fake.rejectMarkup = false;
    }
  });

  it('sends with `send`, split past 4000 characters, idempotently, recorded in the chat session', async () => {
    // Arrange
    const paragraphs = Array.from({ length: 90 }, (_, i) => `Paragraph ${i}: ${'lorem ipsum '.repeat(8).trim()}.`);
    const message = paragraphs.join('\n\n');
    const params = { to: String(linus.id), message, idempotencyKey: 'send-long-1' };
    const before = fake.sentTo(linus.id).length;

    // Act
    const first = await admin.request('send', params, 15_000);
    const again = await admin.request('send', params, 15_000);

    // Assert
    expect(first.ok).toBe(true);
    expect(again.payload).toEqual(first.payload);
    expect(first.payload).toEqual({ messageId: expect.any(String), channel: 'telegram', to: String(linus.id) });
    const parts = fake.sentTo(linus.id).slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(4000);
    expect(parts.map((p) => p.text).join('\n\n')).toBe(message);
    expect(parts[0].message_id).toBe(Number((first.payload as { messageId: string }).messageId));
    const history = await admin.request('chat.history', { sessionKey: `main:telegram:dm:${linus.id}` });
    const last = (history.payload as { messages: Array<{ role: string; content: string }> }).messages.at(-1);
    expect(last).toEqual(expect.objectContaining({ role: 'assistant', content: message }));
  });

  it('`nestclaw gateway send` delivers end to end', async () => {
    // Act
    const { code, output } = await cli(app, [
      'gateway',
      'send',
      '--channel',
      'telegram',
      '--to',
      String(grace.id),
      '--message',
      'from the **CLI** <ok>',
      '--json',
    ]);

    // Assert
    expect(code).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ channel: 'telegram', to: String(grace.id) });
    const sent = fake.sentTo(grace.id).at(-1)!;
    expect(sent.text).toBe('from the <b>CLI</b> &lt;ok&gt;');
  });

  it('names the problem when `send` names an unknown channel', async () => {
    const res = await admin.request('send', { to: '1', message: 'x', channel: 'signal', idempotencyKey: 'k-unknown' });
    expect(res.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('unknown channel "signal"; channels in this gateway: telegram'),
    });
  });

  it('reports the channel in channels.status (with a probe) and in the health snapshot', async () => {
    // Act
    const status = await admin.request('channels.status', { probe: true });
    const health = await admin.request('health');

    // Assert
    expect(status.payload).toMatchObject({
      channels: {
        telegram: {
          configured: true,
          enabled: true,
          running: true,
          linked: true,
          mode: 'polling',
          accountId: fake.token.split(':')[0],
          probe: { ok: true, account: { username: fake.bot.username } },
        },
      },
    });
    expect((health.payload as { channels: unknown }).channels).toEqual({
      telegram: { configured: true, running: true, linked: true },
    });
    expect(JSON.stringify(status.payload)).not.toContain(fake.token);

    const shown = await cli(app, ['channels', 'status', '--probe']);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain(`telegram  running, polling, linked; probe ok`);
    expect(shown.output).toContain(`@${fake.bot.username}`);
  });
});

describe('Telegram channel: a bot token Telegram rejects', () => {
  it('reports it as not linked, naming the setting, without echoing the token', async () => {
    // Arrange
    const fake = await new FakeTelegram().start();
    const wrongToken = '987654321:WRONG-secret-token-value_xyz';
    const app = await createTestApp({ config: { channels: { telegram: { ...telegramConfig(fake), botToken: wrongToken } } } });
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    try {
      // Act: getMe fails with 401 at start; ask until the status shows it.
      let payload: any;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
        payload = (await client.request('channels.status', { probe: true })).payload;
        if (payload.channels.telegram.linked === false) break;
      }

      // Assert
      const telegram = payload.channels.telegram;
      expect(telegram).toMatchObject({ running: false, linked: false, probe: { ok: false } });
      expect(telegram.lastError).toContain('channels.telegram.botToken');
      expect(JSON.stringify(payload)).not.toContain('WRONG-secret-token-value');
    } finally {
      await client.close();
      await app.close();
      await fake.stop();
    }
  });
});

describe('Telegram channel: groups', () => {
  let fake: FakeTelegram;
  let app: TestApp;
  const group = -4242;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({ config: { channels: { telegram: telegramConfig(fake) } } });
    await fake.waitForCall('getUpdates');
  });
  afterAll(async () => {
    await app?.close();
    await fake?.stop();
  });

  it('answers in a group only when mentioned, quoting the question', async () => {
    // Act: not mentioned, then mentioned.
    fake.pushMessage({ chatId: group, chatType: 'supergroup', from: ada, text: '/help' });
    const mention = `@${fake.bot.username}`;
    fake.pushMessage({
      chatId: group,
      chatType: 'supergroup',
      from: ada,
      text: `${mention} /help`,
      entities: [{ type: 'mention', offset: 0, length: mention.length }],
    });
    const [answer] = await fake.waitForSent(group);
    await sleep(300);

    // Assert
    expect(fake.sentTo(group)).toHaveLength(1);
    expect(answer.text).toContain(HELP_MARK);
    expect(answer.reply_parameters).toBeDefined();
  });
});

describe('Telegram channel: health events', () => {
  it('broadcasts a health event when the channel becomes linked', async () => {
    // Arrange: getMe fails at first, so the link comes after the client is connected.
    const fake = await new FakeTelegram().start();
    fake.failNext('getMe', 500, 1);
    const app = await createTestApp({ config: { channels: { telegram: telegramConfig(fake) } } });
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    try {
      // Act
      const event = await waitForHealth(client, (channels) => channels.telegram?.linked === true);

      // Assert
      expect(event.telegram).toEqual({ configured: true, running: true, linked: true });
    } finally {
      await client.close();
      await app.close();
      await fake.stop();
    }
  });

  async function waitForHealth(
    client: WsTestClient,
    match: (channels: Record<string, any>) => boolean,
  ): Promise<Record<string, any>> {
    for (;;) {
      const event = await client.nextEvent('health', 10_000);
      const channels = (event.payload as { channels: Record<string, any> }).channels;
      if (match(channels)) return channels;
    }
  }
});

describe('Telegram channel: webhook mode', () => {
  let fake: FakeTelegram;
  let app: TestApp;
  const secret = 'webhook-secret-0123456789abcdef';
  const post = (update: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.httpUrl}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(update),
    });

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({
      config: {
        channels: {
          telegram: telegramConfig(fake, {
            webhookUrl: 'https://bot.example.test/tg',
            webhookPath: '/telegram/hook',
            webhookSecret: secret,
          }),
        },
      },
    });
    await fake.waitForCall('setWebhook');
  });
  afterAll(async () => {
    await app?.close();
    await fake?.stop();
  });

  it('registers the webhook with its secret and does not poll', async () => {
    expect(fake.webhook).toEqual({ url: 'https://bot.example.test/tg', secret_token: secret });
    await sleep(200);
    expect(fake.callsOf('getUpdates')).toEqual([]);
  });

  it('refuses an update without the right secret header', async () => {
    // Arrange
    const update = fake.buildUpdate({ chatId: ada.id, from: ada, text: '/help' });

    // Act
    const wrong = await post(update, { 'X-Telegram-Bot-Api-Secret-Token': 'not-the-secret' });
    const missing = await post(update);
    await sleep(300);

    // Assert
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(fake.sentTo(ada.id)).toEqual([]);
  });

  it('answers an update with the right secret, once even when Telegram posts it again', async () => {
    // Arrange
    const update = fake.buildUpdate({ chatId: grace.id, from: grace, text: '/help' });
    const headers = { 'X-Telegram-Bot-Api-Secret-Token': secret };

    // Act
    const first = await post(update, headers);
    const [answer] = await fake.waitForSent(grace.id);
    const retried = await post(update, headers);
    await sleep(300);

    // Assert
    expect([first.status, retried.status]).toEqual([200, 200]);
    expect(answer.text).toContain(HELP_MARK);
    expect(fake.sentTo(grace.id)).toHaveLength(1);
  });

  it('answers 400 to a body that is not an update', async () => {
    const res = await post({ hello: 'world' }, { 'X-Telegram-Bot-Api-Secret-Token': secret });
    expect(res.status).toBe(400);
  });

  it('answers 400 to a body that is not JSON and 413 to one over 100 KiB, naming the problem', async () => {
    // Arrange
    const send = (body: string) =>
      fetch(`${app.httpUrl}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
        body,
      });

    // Act
    const broken = await send('{"update_id": 1,');
    const huge = await send(JSON.stringify({ update_id: 2, padding: 'x'.repeat(100 * 1024) }));

    // Assert
    expect([broken.status, await broken.json()]).toEqual([400, { ok: false, error: 'the body is not valid JSON' }]);
    expect([huge.status, await huge.json()]).toEqual([413, { ok: false, error: 'the body is larger than 102400 bytes' }]);
  });

  it('checks the secret before reading the body', async () => {
    const res = await fetch(`${app.httpUrl}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect([res.status, await res.json()]).toEqual([401, { ok: false, error: 'bad or missing secret token' }]);
  });
});

describe('Telegram channel: webhook secret generated when none is configured', () => {
  it('creates a 0600 secret in the state dir and registers it', async () => {
    // Arrange
    const fake = await new FakeTelegram().start();
    const app = await createTestApp({
      config: { channels: { telegram: telegramConfig(fake, { webhookUrl: 'https://bot.example.test/tg' }) } },
    });
    try {
      // Act
      await fake.waitForCall('setWebhook');

      // Assert
      const file = path.join(app.stateDir, 'telegram-webhook.secret');
      const secret = fs.readFileSync(file, 'utf8').trim();
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fake.webhook?.secret_token).toBe(secret);
      const ok = await fetch(`${app.httpUrl}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
        body: JSON.stringify(fake.buildUpdate({ chatId: ada.id, from: ada, text: '/help' })),
      });
      expect(ok.status).toBe(200);
      await fake.waitForSent(ada.id);
    } finally {
      await app.close();
      await fake.stop();
    }
  });
});

describe('Telegram channel: a model reply longer than one message', () => {
  it('splits it on paragraph breaks into parts Telegram accepts', async () => {
    // Arrange
    const fake = await new FakeTelegram().start();
    const openai = await FakeOpenAi.start();
    const long = Array.from({ length: 60 }, (_, i) => `Point ${i}: ${'words and more words '.repeat(6).trim()}.`).join('\n\n');
    openai.script(reply.text(long));
    const app = await createTestApp({
      config: {
        channels: { telegram: telegramConfig(fake) },
        agent: { provider: 'openai', model: 'test-model', baseUrl: openai.baseUrl, apiKey: 'test-key' },
      },
    });
    try {
      // Act
      fake.pushMessage({ chatId: ada.id, from: ada, text: 'tell me everything' });
      await waitFor(
        () =>
          fake
            .sentTo(ada.id)
            .map((m) => m.text)
            .join('\n\n') === long,
        15_000,
        'the whole reply',
      );

      // Assert
      const parts = fake.sentTo(ada.id);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.text.length).toBeLessThanOrEqual(4000);
        expect(part.text.startsWith('Point ')).toBe(true);
      }
    } finally {
      await app.close();
      await openai.close();
      await fake.stop();
    }
  });
});

describe('Telegram channel: gateway killed mid-run (real process)', () => {
  let fake: FakeTelegram;
  let openai: FakeOpenAi;
  const dirs: string[] = [];

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    openai = await FakeOpenAi.start();
  });
  afterAll(async () => {
    await openai?.close();
    await fake?.stop();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it('answers the message that was in flight exactly once after SIGKILL and restart', async () => {
    // Arrange: a gateway whose model is slow.
    const dir = makeStateDir();
    dirs.push(dir);
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'nestclaw.json'),
      JSON.stringify({
        gateway: { port },
        channels: { telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, dmPolicy: 'open' } },
        agent: { provider: 'openai', model: 'test-model', baseUrl: openai.baseUrl, apiKey: 'test-key' },
      }),
    );
    const start = async () => {
      const run = runCli(['gateway', 'run'], { NESTCLAW_STATE_DIR: dir });
      await run.waitFor('listening on');
      return run;
    };
    openai.respondWith(() => reply.slow(60_000, reply.text('too late')));
    const first = await start();
    const chat = 3003;
    const updateId = fake.pushMessage({ chatId: chat, from: { id: chat, first_name: 'Kim' }, text: 'what is the answer?' });

    // Act: kill it while the model is thinking and Telegram has already been told the update arrived.
    await waitFor(() => openai.requests.length === 1, 15_000, 'the model request');
    await fake.waitForCall('getUpdates', (c) => c.body.offset > updateId);
    expect(fake.confirmedOffset).toBeGreaterThan(updateId);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(fake.sentTo(chat)).toEqual([]);

    openai.respondWith(() => reply.text('The answer is 42.'));
    const second = await start();

    // Assert: answered once, by the restarted gateway, from its own inbox.
    const [answer] = await fake.waitForSent(chat, 1, 20_000);
    expect(answer.text).toBe('The answer is 42.');
    await sleep(1_000);
    expect(fake.sentTo(chat)).toHaveLength(1);

    // Act: a clean restart must not answer it again either.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const callsBefore = fake.calls.length;
    const third = await start();
    await fake.waitUntil(
      () => (fake.calls.slice(callsBefore).some((c) => c.method === 'getUpdates') ? true : undefined),
      15_000,
      'polling again',
    );
    await sleep(1_000);
    third.child.kill('SIGTERM');
    await third.exited;

    // Assert
    expect(fake.sentTo(chat)).toHaveLength(1);
    expect(openai.requests).toHaveLength(2);
    for (const run of [first, second, third]) expect(run.output()).not.toContain(fake.token.split(':')[1]);
  }, 90_000);
});
