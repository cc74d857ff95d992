import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigChangedEvent, ConfigGetResult, ConfigWriteResult, EventFrame } from '../../src/common/protocol';
import { CliRun, runCli } from '../support/cli-process';
import { until } from '../support/fake-gateway';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { createTestApp, makeStateDir, type TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(60_000);

const ada: FakeUser = { id: 1001, first_name: 'Ada', username: 'ada' };
const eve: FakeUser = { id: 2001, first_name: 'Eve', username: 'eve' };
const HELP_MARK = '/help – this list';
const ENV_API_KEY = 'sk-from-the-environment-0123456789';
const ADMIN = { role: 'operator' as const, scopes: ['operator.admin', 'operator.read', 'operator.write'] };

type JsonLine = { event: string; [key: string]: unknown };

/** The real node host, as on another machine: it must ride through hot reloads and restarts by itself. */
function startNodeHost(app: TestApp, dirs: string[]): CliRun {
  const dir = makeStateDir();
  dirs.push(dir);
  return runCli(['node', 'run', '--url', app.url, '--token', app.token, '--json', '--display-name', 'garage'], {
    NESTCLAW_STATE_DIR: dir,
  });
}

function nodeLines(run: CliRun): JsonLine[] {
  return run
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonLine);
}

const count = (run: CliRun, event: string) => nodeLines(run).filter((line) => line.event === event).length;

async function configGet(client: WsTestClient): Promise<ConfigGetResult> {
  const res = await client.request('config.get', {});
  if (!res.ok) throw new Error(`config.get failed: ${JSON.stringify(res.error)}`);
  return res.payload as ConfigGetResult;
}

async function nextConfigEvent(client: WsTestClient, accept: (e: ConfigChangedEvent) => boolean): Promise<ConfigChangedEvent> {
  for (;;) {
    const frame: EventFrame = await client.nextEvent('config', 10_000);
    const payload = frame.payload as ConfigChangedEvent;
    if (accept(payload)) return payload;
  }
}

describe('config over the wire with hot reload (real gateway, fake Bot API, real node host)', () => {
  let fake: FakeTelegram;
  let app: TestApp;
  let admin: WsTestClient;
  let node: CliRun;
  const dirs: string[] = [];
  const configFile = () => path.join(app.stateDir, 'nestclaw.json');

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({
      configOnDisk: true,
      env: { OPENAI_API_KEY: ENV_API_KEY },
      config: `// the owner's file, with a comment\n${JSON.stringify({
        channels: {
          telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, allowFrom: [ada.id], dmPolicy: 'pairing' },
        },
      })}`,
    });
    await fake.waitForCall('getUpdates');
    admin = await WsTestClient.connected(app.url, { auth: { token: app.token }, ...ADMIN });
    node = startNodeHost(app, dirs);
    await until(() => (count(node, 'connected') === 1 ? true : undefined), 20_000, `node connected in:\n${node.output()}`);
  });
  afterAll(async () => {
    if (node && node.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
    await admin?.close();
    await app?.close();
    await fake?.stop();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it('flips dmPolicy with config.patch while the Telegram conversation and the node stay connected (0 dropped sockets)', async () => {
    // Arrange: a conversation in progress, and a stranger who gets a pairing code under "pairing".
    fake.pushMessage({ chatId: ada.id, from: ada, text: '/help' });
    expect((await fake.waitForSent(ada.id, 1))[0].text).toContain(HELP_MARK);
    fake.pushMessage({ chatId: eve.id, from: eve, text: 'hello?' });
    expect((await fake.waitForSent(eve.id, 1))[0].text).toMatch(/pairing code/);
    const getMeCalls = fake.callsOf('getMe').length;
    let adminClosed = false;
    void admin.closed.then(() => (adminClosed = true));
    const { hash } = await configGet(admin);

    // Act
    const res = await admin.request('config.patch', { patch: { channels: { telegram: { dmPolicy: 'open' } } }, baseHash: hash });

    // Assert: answered, announced, in effect for the stranger's next message.
    expect(res.ok).toBe(true);
    const result = res.payload as ConfigWriteResult;
    expect(result).toMatchObject({
      changed: ['channels.telegram.dmPolicy'],
      applied: ['channels.telegram.dmPolicy'],
      restartRequired: [],
      restarting: false,
      backup: true,
    });
    const event = await nextConfigEvent(admin, (e) => e.hash === result.hash);
    expect(event).toMatchObject({ source: 'rpc', changed: ['channels.telegram.dmPolicy'], restarting: false });
    fake.pushMessage({ chatId: eve.id, from: eve, text: '/help' });
    expect((await fake.waitForSent(eve.id, 2))[1].text).toContain(HELP_MARK);
    fake.pushMessage({ chatId: ada.id, from: ada, text: '/help' });
    expect((await fake.waitForSent(ada.id, 2))[1].text).toContain(HELP_MARK);

    // Assert: nothing was dropped or reconnected.
    expect(adminClosed).toBe(false);
    expect(count(node, 'connected')).toBe(1);
    expect(count(node, 'disconnected')).toBe(0);
    expect(fake.callsOf('getMe').length).toBe(getMeCalls);
    const nodes = (await admin.request('node.list', {})).payload as { nodes: Array<{ connected: boolean }> };
    expect(nodes.nodes.filter((n) => n.connected)).toHaveLength(1);
  });

  it('writes the file atomically (0600) and keeps the previous one as a 0600 backup', async () => {
    const before = fs.readFileSync(configFile(), 'utf8');
    const { hash } = await configGet(admin);
    const res = await admin.request('config.patch', { patch: { agent: { maxSteps: 5 } }, baseHash: hash });
    expect(res.ok).toBe(true);
    expect(fs.readFileSync(`${configFile()}.bak`, 'utf8')).toBe(before);
    expect(fs.statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${configFile()}.bak`).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(configFile(), 'utf8')).agent).toEqual({ maxSteps: 5 });
  });

  it('config.get redacts every secret and sending the result back keeps them', async () => {
    // Act
    const got = await configGet(admin);

    // Assert
    const text = JSON.stringify(got);
    expect(text).not.toContain(fake.token);
    expect(text).not.toContain(ENV_API_KEY);
    expect(text).not.toContain(app.token);
    expect(got.config).toMatchObject({ channels: { telegram: { botToken: '__NESTCLAW_REDACTED__', dmPolicy: 'open' } } });
    expect(got.effective).toMatchObject({ agent: { apiKey: '__NESTCLAW_REDACTED__', maxSteps: 5 } });
    expect(got).toMatchObject({ exists: true, valid: true, issues: [], restartRequired: [] });

    // Act: the redacted file goes back whole.
    const res = await admin.request('config.set', { raw: JSON.stringify(got.config), baseHash: got.hash });

    // Assert: the stored token is still the real one, and the channel did not notice.
    expect(res.ok).toBe(true);
    expect(JSON.parse(fs.readFileSync(configFile(), 'utf8')).channels.telegram.botToken).toBe(fake.token);
    expect((res.payload as ConfigWriteResult).changed).toEqual([]);
  });

  it('refuses a stale baseHash, and a missing one, without writing', async () => {
    const { hash } = await configGet(admin);
    const first = await admin.request('config.patch', { patch: { agent: { maxSteps: 6 } }, baseHash: hash });
    expect(first.ok).toBe(true);
    const onDisk = fs.readFileSync(configFile(), 'utf8');

    // Act: a second writer still holding the old hash, then one with none.
    const stale = await admin.request('config.patch', { patch: { agent: { maxSteps: 7 } }, baseHash: hash });
    const missing = await admin.request('config.patch', { patch: { agent: { maxSteps: 7 } } });

    // Assert
    expect(stale.ok).toBe(false);
    expect(stale.error).toMatchObject({ code: 'INVALID_REQUEST', details: { reason: 'stale-base-hash' } });
    expect(stale.error!.message).toContain('config.get');
    expect(missing.ok).toBe(false);
    expect(missing.error!.message).toContain('baseHash is required');
    expect(fs.readFileSync(configFile(), 'utf8')).toBe(onDisk);
    expect((await configGet(admin)).effective).toMatchObject({ agent: { maxSteps: 6 } });
  });

  it('refuses an invalid patch with the key path and the fix; nothing is written or applied', async () => {
    const { hash } = await configGet(admin);
    const onDisk = fs.readFileSync(configFile(), 'utf8');

    // Act
    const badValue = await admin.request('config.patch', {
      patch: { channels: { telegram: { dmPolicy: 'sometimes' } } },
      baseHash: hash,
    });
    const unknownKey = await admin.request('config.patch', { patch: { agent: { modle: 'x' } }, baseHash: hash });
    const notAnObject = await admin.request('config.patch', { raw: '[1, 2]', baseHash: hash });
    const envSecret = await admin.request('config.patch', { patch: { agent: { apiKey: ENV_API_KEY } }, baseHash: hash });
    const replacing = await admin.request('config.patch', {
      raw: '{ channels: { telegram: { groups: {} } } }',
      baseHash: hash,
      replacePaths: ['channels.telegram.groups'],
    });

    // Assert
    expect(badValue.error).toMatchObject({ code: 'INVALID_REQUEST', details: { reason: 'invalid-config' } });
    expect(badValue.error!.message).toContain('channels.telegram.dmPolicy: must be one of the following values: pairing');
    expect(unknownKey.error!.message).toContain('agent.modle: unknown key (allowed here:');
    expect(notAnObject.error!.message).toContain('the patch must be an object');
    expect(envSecret.error).toMatchObject({ details: { reason: 'environment-secret', paths: ['agent.apiKey'] } });
    expect(envSecret.error!.message).not.toContain(ENV_API_KEY);
    expect(replacing.error!.message).toContain('replacePaths is not supported');
    expect(fs.readFileSync(configFile(), 'utf8')).toBe(onDisk);
    expect((await configGet(admin)).effective).toMatchObject({ channels: { telegram: { dmPolicy: 'open' } } });
  });

  it('nestclaw config get|set|patch|schema work over the port', async () => {
    const env = { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) };
    const cli = async (args: string[]) => {
      const run = runCli(['config', ...args], env);
      const { code } = await run.exited;
      return { code, output: run.output() };
    };

    const got = await cli(['get', 'channels.telegram.dmPolicy']);
    expect(got).toMatchObject({ code: 0, output: expect.stringContaining('"open"') });
    const whole = await cli(['get']);
    expect(whole.code).toBe(0);
    expect(whole.output).not.toContain(fake.token);

    const set = await cli(['set', 'agent.maxSteps', '9']);
    expect(set.code).toBe(0);
    expect(set.output).toContain('agent.maxSteps: in effect now');
    const patched = await cli(['patch', '{ gateway: { limits: { tickIntervalMs: 20000 } } }']);
    expect(patched.code).toBe(0);
    expect(patched.output).toContain('gateway.limits.tickIntervalMs: waits for a restart');
    expect(patched.output).toContain('--restart');
    expect((await configGet(admin)).effective).toMatchObject({ agent: { maxSteps: 9 } });

    const refused = await cli(['set', 'channels.telegram.dmPolicy', 'sometimes']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('channels.telegram.dmPolicy: must be one of');
    expect((await cli(['set', '__proto__.x', '1'])).code).toBe(3);

    const schema = await cli(['schema', 'agent.maxConcurrent']);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.output)).toMatchObject({ type: 'integer', minimum: 1, maximum: 64 });

    // Back to no pending restart for the tests after this one.
    expect((await cli(['patch', '{ gateway: null }'])).code).toBe(0);
  });

  it('picks up an edit on disk, and refuses an invalid one with the running config kept', async () => {
    // Act: a valid edit, as an editor on the host would save it.
    const file = JSON.parse(fs.readFileSync(configFile(), 'utf8'));
    file.channels.telegram.dmPolicy = 'allowlist';
    fs.writeFileSync(configFile(), `// edited by hand\n${JSON.stringify(file, null, 2)}`);
    const applied = await nextConfigEvent(admin, (e) => e.source === 'file');

    // Assert
    expect(applied).toMatchObject({ changed: ['channels.telegram.dmPolicy'], applied: ['channels.telegram.dmPolicy'] });
    expect((await configGet(admin)).effective).toMatchObject({ channels: { telegram: { dmPolicy: 'allowlist' } } });

    // Act: an invalid edit.
    file.channels.telegram.dmPolicy = 'everyone';
    fs.writeFileSync(configFile(), JSON.stringify(file, null, 2));
    const refused = await nextConfigEvent(admin, (e) => e.source === 'file');

    // Assert: refused with the key path, the running config stays.
    expect(refused.refused).toBe(true);
    expect(refused.issues!.join('\n')).toContain('channels.telegram.dmPolicy');
    const got = await configGet(admin);
    expect(got.valid).toBe(false);
    expect(got.effective).toMatchObject({ channels: { telegram: { dmPolicy: 'allowlist' } } });
    const patch = await admin.request('config.patch', { patch: { agent: { maxSteps: 4 } }, baseHash: got.hash });
    expect(patch.error!.message).toContain('does not validate');
    expect(count(node, 'connected')).toBe(1);

    // Fixing the file on disk is picked up too.
    file.channels.telegram.dmPolicy = 'open';
    fs.writeFileSync(configFile(), JSON.stringify(file, null, 2));
    expect(await nextConfigEvent(admin, (e) => e.source === 'file')).toMatchObject({ changed: ['channels.telegram.dmPolicy'] });
  });

  it('serves the JSON Schema with descriptions, and config.* only to operator.admin', async () => {
    const res = await admin.request('config.schema', {});
    const schema = (res.payload as { schema: any }).schema;
    expect(schema.properties.channels.properties.telegram.properties.dmPolicy).toMatchObject({
      enum: ['pairing', 'allowlist', 'open', 'disabled'],
      description: expect.stringContaining('Who may write to the bot'),
    });
    const reader = await WsTestClient.connected(app.url, {
      auth: { token: app.token },
      role: 'operator',
      scopes: ['operator.read'],
    });
    try {
      const refused = await reader.request('config.get', {});
      expect(refused.ok).toBe(false);
      expect(refused.error!.message).toContain('operator.admin');
    } finally {
      await reader.close();
    }
  });
});

describe('restart in place for keys that need a new listener', () => {
  let app: TestApp;
  let node: CliRun;
  const dirs: string[] = [];

  beforeAll(async () => {
    app = await createTestApp({ configOnDisk: true, config: { agent: { maxSteps: 3 } } });
    node = startNodeHost(app, dirs);
    await until(() => (count(node, 'connected') === 1 ? true : undefined), 20_000, `node connected in:\n${node.output()}`);
  });
  afterAll(async () => {
    if (node && node.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
    await app?.close();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it('answers "restart required" without restart, then restarts with restart: true; the node host is back within 5 s', async () => {
    const admin = await WsTestClient.connected(app.url, { auth: { token: app.token }, ...ADMIN });
    const chat = await admin.request('chat.send', { sessionKey: 'main:webchat:kept', message: '/help', idempotencyKey: 'k1' });
    expect(chat.ok).toBe(true);
    await until(
      () =>
        admin.events.some((e) => e.event === 'chat' && (e.payload as { state?: string }).state === 'final') ? true : undefined,
      10_000,
      'the chat run to finish',
    );
    const newLimit = 2 * 1024 * 1024;

    // Act 1: without restart.
    const pending = await admin.request('config.patch', {
      patch: { gateway: { limits: { maxPayload: newLimit } } },
      baseHash: (await configGet(admin)).hash,
    });

    // Assert 1
    expect(pending.payload).toMatchObject({ restartRequired: ['gateway.limits.maxPayload'], restarting: false, applied: [] });
    expect((await configGet(admin)).restartRequired).toEqual(['gateway.limits.maxPayload']);

    // Act 2: the same key again, with restart: true.
    const restarted = await admin.request('config.patch', {
      patch: { gateway: { limits: { maxPayload: newLimit } } },
      baseHash: (await configGet(admin)).hash,
      restart: true,
    });

    // Assert 2: the shutdown event says a restart is coming, the node host comes back by itself.
    expect(restarted.payload).toMatchObject({ restarting: true, restartRequired: ['gateway.limits.maxPayload'] });
    const shutdown = await admin.nextEvent('shutdown', 10_000);
    expect(shutdown.payload).toMatchObject({ restartExpectedMs: expect.any(Number) });
    expect((await admin.waitClosed(10_000)).code).toBe(1012);
    await until(() => (count(node, 'connected') === 2 ? true : undefined), 5_000, `node back in:\n${node.output()}`);

    const again = await WsTestClient.open(app.url);
    try {
      const hello = await again.connect({ auth: { token: app.token }, ...ADMIN });
      expect(hello.payload).toMatchObject({ policy: { maxPayload: newLimit } });
      const got = await configGet(again);
      expect(got.restartRequired).toEqual([]);
      expect(got.effective).toMatchObject({ gateway: { limits: { maxPayload: newLimit } } });
      const history = await again.request('chat.history', { sessionKey: 'main:webchat:kept' });
      expect((history.payload as { messages: unknown[] }).messages.length).toBeGreaterThanOrEqual(2);
      const nodes = (await again.request('node.list', {})).payload as { nodes: Array<{ connected: boolean }> };
      expect(nodes.nodes.filter((n) => n.connected)).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
