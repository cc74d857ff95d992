import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogsTailResult } from '../../src/common/protocol';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

/**
 * Every kind of secret the gateway can hold, none shaped like a well-known
 * token, so only the exact-value redaction can catch them (the shapes have
 * their own unit tests). The gateway token is generated at start.
 */
const SECRETS = {
  password: 'correct-horse-battery-staple',
  remoteToken: 'remote-token-for-cli-only-7f3a',
  remotePassword: 'remote-password-9c1d',
  botTokenFromEnv: '4242424242:tg-secret-from-environment-q8',
  webhookSecret: 'webhook_secret_value_5e6f7a8b',
  apiKey: 'model-api-key-in-config-0b1c2d',
};

describe('logs over the wire', () => {
  let app: TestApp;
  let reader: WsTestClient;
  let approver: WsTestClient;

  const tail = async (params: object = {}): Promise<LogsTailResult> => {
    const res = await reader.request('logs.tail', params);
    if (!res.ok) throw new Error(`logs.tail failed: ${JSON.stringify(res.error)}`);
    return res.payload as LogsTailResult;
  };
  /** Follows the log, as the CLI and the Control UI do, until a line matches. */
  const followUntil = async (match: RegExp, from?: number): Promise<{ lines: string[]; cursor: number }> => {
    const seen: string[] = [];
    let cursor = from;
    for (let attempt = 0; attempt < 200; attempt++) {
      const page = await tail(cursor === undefined ? {} : { cursor });
      seen.push(...page.lines);
      cursor = page.cursor;
      if (seen.some((line) => match.test(line))) return { lines: seen, cursor };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no log line matched ${match}; saw:\n${seen.join('\n')}`);
  };

  beforeAll(async () => {
    app = await createTestApp({
      config: {
        gateway: {
          auth: { mode: 'token', password: SECRETS.password },
          remote: { token: SECRETS.remoteToken, password: SECRETS.remotePassword },
          logging: { level: 'debug' },
        },
        channels: {
          telegram: { enabled: false, webhookUrl: 'https://bot.example.test/hook', webhookSecret: SECRETS.webhookSecret },
        },
        agent: { provider: 'openai', model: 'm', apiKey: SECRETS.apiKey },
      },
      env: { TELEGRAM_BOT_TOKEN: SECRETS.botTokenFromEnv },
    });
    reader = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.read'] });
    // An exec approval is asked (and logged) only while someone can answer it.
    approver = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.approvals'] });
  });
  afterAll(async () => {
    await approver?.close();
    await reader?.close();
    await app?.close();
  });

  it('never writes a secret of any kind, to the wire or to the file', async () => {
    const everySecret = [...Object.values(SECRETS), app.token];
    // A peer (here a node) gets every secret into a log line: its exec request's program is logged.
    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'leaky' },
      auth: { token: app.token },
    });
    try {
      const program = `/bin/${everySecret.join('/')}/ncd_${'A'.repeat(43)}`;
      const pending = node.request('exec.approval.request', { argv: [program], timeoutMs: 1_000 });

      const { lines } = await followUntil(/exec approval .* asks to run/);
      const line = lines.find((l) => /asks to run/.test(l))!;
      expect(line).toContain('[redacted]');
      expect(line).not.toContain('ncd_AAAA');
      const onDisk = fs.readFileSync(path.join(app.stateDir, 'logs', 'gateway.log'), 'utf8');
      for (const secret of everySecret) {
        expect(lines.join('\n')).not.toContain(secret);
        expect(onDisk).not.toContain(secret);
      }
      expect(fs.statSync(path.join(app.stateDir, 'logs', 'gateway.log')).mode & 0o777).toBe(0o600);
      await pending;
    } finally {
      await node.close();
    }
  });

  it('redacts a secret a config reload brought from the reload on, and still the one it replaced', async () => {
    const admin = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.admin'] });
    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'reloaded' },
      auth: { token: app.token },
    });
    const newKey = 'rotated-model-key-after-reload-4e5f';
    try {
      const got = await admin.request('config.get', {});
      const { hash } = got.payload as { hash: string };
      const patched = await admin.request('config.patch', { patch: { agent: { apiKey: newKey } }, baseHash: hash });
      expect(patched.ok).toBe(true);

      const pending = node.request('exec.approval.request', {
        argv: [`/bin/reload-marker/${newKey}/${SECRETS.apiKey}`],
        timeoutMs: 1_000,
      });
      const { lines } = await followUntil(/reload-marker/);
      const line = lines.find((l) => /reload-marker/.test(l))!;
      expect(line).toContain('reload-marker/[redacted]/[redacted]');
      const onDisk = fs.readFileSync(path.join(app.stateDir, 'logs', 'gateway.log'), 'utf8');
      expect(onDisk).not.toContain(newKey);
      expect(onDisk).not.toContain(SECRETS.apiKey);
      await pending;
    } finally {
      await node.close();
      await admin.close();
    }
  });

  it('follows with the returned cursor: only new lines, named by file name only', async () => {
    const first = await tail();
    expect(first.file).toBe('gateway.log');
    expect(first.cursor).toBe(first.size);
    expect(first.lines.length).toBeGreaterThan(0);

    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'second' },
      auth: { token: app.token },
    });
    try {
      const pending = node.request('exec.approval.request', { argv: ['/bin/follow-marker'], timeoutMs: 1_000 });
      const next = await followUntil(/follow-marker/, first.cursor);
      // Nothing from before the cursor comes again: the first test's line is not repeated.
      expect(next.lines.some((l) => /asks to run "\/bin\/\[redacted\]/.test(l))).toBe(false);
      expect(next.cursor).toBeGreaterThan(first.cursor);
      await pending;
    } finally {
      await node.close();
    }
  });

  it('refuses bad params with the field and its bound, and unknown keys', async () => {
    const zero = await reader.request('logs.tail', { limit: 0 });
    expect(zero.ok).toBe(false);
    expect(zero.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('limit') });
    const huge = await reader.request('logs.tail', { maxBytes: 5_000_000 });
    expect(huge.error?.message).toContain('maxBytes');
    const unknown = await reader.request('logs.tail', { follow: true });
    expect(unknown.error?.message).toContain('follow');
  });

  it('is refused to a node', async () => {
    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node' },
      auth: { token: app.token },
    });
    try {
      const res = await node.request('logs.tail', {});
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'unauthorized role: node' });
    } finally {
      await node.close();
    }
  });
});
