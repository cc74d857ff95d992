import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InvokeRequestEvent } from '../../src/modules/nodes/nodes.types';
import { runCli } from '../support/cli-process';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { createTestApp, stateDirPool, type TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(90_000);

/** Clears the screen, returns to the line start and rings the bell: what a hostile name would do raw. */
const HOSTILE_NAME = 'Mallory\u001b[2J\rapproved\u0007';
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/;

async function cli(app: TestApp, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = runCli(args, { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const { code } = await run.exited;
  return { code, output: run.output() };
}

describe('hostile peers: smaller holes of the same class', () => {
  const pool = stateDirPool();
  let fake: FakeTelegram;
  let app: TestApp;
  let operator: WsTestClient;
  let node: WsTestClient;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({
      config: { channels: { telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot } } },
    });
    await fake.waitForCall('getUpdates');
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'hostile-node', version: '1', platform: 'linux', mode: 'node', displayName: HOSTILE_NAME },
      commands: ['system.which'],
      auth: { token: app.token },
    });
  });
  afterAll(async () => {
    await node?.close();
    await operator?.close();
    await app?.close();
    await fake?.stop();
    pool.removeAll();
  });

  it('refuses an idempotency key reused with other params instead of answering with the first result', async () => {
    // Arrange: a first call, answered by the node.
    const idempotencyKey = randomUUID();
    const call = (params: unknown) =>
      operator.request('node.invoke', { nodeId: 'client:hostile-node', command: 'system.which', params, idempotencyKey });
    const first = call({ bins: ['git'] });
    const sent = (await node.nextEvent('node.invoke.request')).payload as InvokeRequestEvent;
    await node.request('node.invoke.result', {
      id: sent.id,
      nodeId: 'client:hostile-node',
      ok: true,
      payload: { git: '/usr/bin/git' },
    });
    expect(await first).toMatchObject({ ok: true, payload: { payload: { git: '/usr/bin/git' } } });

    // Act
    const retry = await call({ bins: ['git'] });
    const reused = await call({ bins: ['ssh'] });

    // Assert: the true retry gets the first answer; the reuse gets a clear refusal and reaches no node.
    expect(retry).toMatchObject({ ok: true, payload: { payload: { git: '/usr/bin/git' } } });
    expect(reused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('send a new idempotencyKey') },
    });
    expect(node.events.filter((e) => e.event === 'node.invoke.request')).toEqual([]);
  });

  it('prints a node display name with its ESC, CR and BEL replaced (real CLI)', async () => {
    const { code, output } = await cli(app, ['nodes', 'list']);
    expect(code).toBe(0);
    expect(output).toContain('Mallory\\x1b[2J\\x0dapproved\\x07');
    expect(output).not.toMatch(RAW_CONTROLS);
  });

  it('prints a Telegram sender name with its control characters replaced (real CLI)', async () => {
    // Arrange
    const mallory: FakeUser = { id: 666, first_name: HOSTILE_NAME };
    fake.pushMessage({ chatId: mallory.id, from: mallory, text: 'hi' });
    await fake.waitForSent(mallory.id);

    // Act
    const { code, output } = await cli(app, ['pairing', 'list']);

    // Assert
    expect(code).toBe(0);
    expect(output).toContain('Mallory\\x1b[2J\\x0dapproved\\x07');
    expect(output).not.toMatch(RAW_CONTROLS);
  });

  it('refuses config keys named like Object.prototype members, naming each key path (real gateway run)', async () => {
    // Arrange
    const dir = pool.make();
    fs.writeFileSync(
      path.join(dir, 'nestclaw.json'),
      '{ "__proto__": { "polluted": true }, gateway: { constructor: { port: 1 }, auth: { toString: "x" } } }',
    );

    // Act
    const run = runCli(['gateway', 'run'], { NESTCLAW_STATE_DIR: dir });
    const { code } = await run.exited;

    // Assert
    expect(code).toBe(3);
    for (const keyPath of ['__proto__', 'gateway.constructor', 'gateway.auth.toString']) {
      expect(run.output()).toContain(`${keyPath}: "${keyPath.split('.').pop()}" is a reserved name`);
    }
  });

  it('gives 1 000 stranger messages at most one reply per sender and code, and a real user still gets a code', async () => {
    // Arrange: 600 strangers, 400 of them writing twice in a row: 1 000 messages.
    const strangers: FakeUser[] = Array.from({ length: 600 }, (_, i) => ({ id: 500_000 + i, first_name: `Spam ${i}` }));
    for (const [i, stranger] of strangers.entries()) {
      fake.pushMessage({ chatId: stranger.id, from: stranger, text: 'give me a code' });
      if (i < 400) fake.pushMessage({ chatId: stranger.id, from: stranger, text: 'again' });
    }
    const user: FakeUser = { id: 4_242, first_name: 'Real', last_name: 'User' };
    fake.pushMessage({ chatId: user.id, from: user, text: 'hello' });

    // Act: the real user wrote last, so once it is answered every stranger was handled.
    const [codeMessage] = await fake.waitForSent(user.id, 1, 60_000);

    // Assert: one reply per stranger, each with its own code.
    const codes = strangers.map((s) => {
      const sent = fake.sentTo(s.id);
      expect(sent.length).toBeLessThanOrEqual(1);
      return sent.map((m) => /pairing code: ([A-Z0-9]{8})/.exec(m.text)?.[1]);
    });
    expect(new Set(codes.flat()).size).toBe(codes.flat().length);

    // Assert: the real user's code works.
    const code = /pairing code: ([A-Z0-9]{8})/.exec(codeMessage.text)?.[1];
    expect(code).toBeDefined();
    const approved = await cli(app, ['pairing', 'approve', 'telegram', code!]);
    expect(approved).toMatchObject({ code: 0, output: expect.stringContaining(`(${user.id})`) });
  });
});
