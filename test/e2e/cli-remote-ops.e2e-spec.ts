import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../support/free-port';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { runCli } from '../support/cli-process';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

/** `nestclaw logs`, `sessions` and `models` as an operator runs them, against a real gateway. */
describe('CLI: logs, sessions, models', () => {
  let fake: FakeOpenAi;
  let app: TestApp;
  let operator: WsTestClient;
  const env = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const cli = async (args: string[]) => {
    const run = runCli(args, env());
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  /** A peer gets a marker into the gateway log: a node's exec request names its program. */
  const logMarker = async (marker: string) => {
    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node' },
      auth: { token: app.token },
    });
    try {
      await node.request('exec.approval.request', { argv: [`/bin/${marker}`], timeoutMs: 1_000 });
    } finally {
      await node.close();
    }
  };

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    fake.respondWith(() => reply.text('hi from the fake'));
    app = await createTestApp({ config: { agent: { provider: 'openai', baseUrl: fake.baseUrl, model: 'fake-small' } } });
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await operator?.close();
    await app?.close();
    await fake?.close();
  });

  describe('logs', () => {
    it('prints the newest lines, and JSON objects with --json', async () => {
      await logMarker('first-marker');
      const text = await cli(['logs']);
      expect(text.code).toBe(0);
      expect(text.output).toMatch(/INFO +\[ExecApprovals\] exec approval .*first-marker/);

      const json = await cli(['logs', '--json', '--limit', '50']);
      expect(json.code).toBe(0);
      const records = json.output
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records).toContainEqual(
        expect.objectContaining({ level: 'info', context: 'ExecApprovals', message: expect.stringContaining('first-marker') }),
      );
    });

    it('follows new lines until interrupted, then exits 0', async () => {
      const run = runCli(['logs', '--follow', '--interval', '100', '--limit', '1'], env());
      try {
        await run.waitFor(/\d{4}-\d{2}-\d{2}T/);
        await logMarker('followed-marker');
        await run.waitFor('followed-marker');
      } finally {
        run.child.kill('SIGINT');
      }
      expect((await run.exited).code).toBe(0);
    });

    it('filters with --since and refuses a --since it cannot read', async () => {
      const future = await cli(['logs', '--since', new Date(Date.now() + 3_600_000).toISOString()]);
      expect(future.code).toBe(0);
      expect(future.output).not.toContain('first-marker');
      const recent = await cli(['logs', '--since', '1h']);
      expect(recent.output).toContain('first-marker');
      const bad = await cli(['logs', '--since', 'yesterday']);
      expect(bad.code).toBe(3);
      expect(bad.output).toContain('--since must be a duration such as 10m');
    });
  });

  describe('sessions and models', () => {
    const key = 'main:webchat:cli';

    beforeAll(async () => {
      const started = await operator.request('chat.send', { sessionKey: key, message: 'hello', idempotencyKey: randomUUID() });
      const runId = (started.payload as { runId: string }).runId;
      for (;;) {
        const payload = (await operator.nextEvent('chat', 10_000)).payload as { runId: string; state: string };
        if (payload.runId === runId && payload.state !== 'delta') break;
      }
    });

    it('lists the endpoint models', async () => {
      const { code, output } = await cli(['models', 'list']);
      expect(code).toBe(0);
      expect(output).toContain('fake-large  (openai)');
      expect(output).toContain('fake-small  (openai)');
    });

    it('previews, patches, resets and deletes a session', async () => {
      const preview = await cli(['sessions', 'preview', key]);
      expect(preview.output).toContain(`${key}: 2 turns`);
      expect(preview.output).toContain('assistant hi from the fake');

      const patched = await cli(['sessions', 'patch', key, '--label', 'Desk', '--model', 'fake-large']);
      expect(patched.code).toBe(0);
      expect(patched.output).toContain(`${key}: label "Desk", model fake-large`);
      const listed = await cli(['sessions', 'list']);
      expect(listed.output).toMatch(new RegExp(`${key} +2 messages, .*"Desk", model fake-large`));

      const unknownModel = await cli(['sessions', 'patch', key, '--model', 'nope']);
      expect(unknownModel.code).toBe(1);
      expect(unknownModel.output).toContain('unknown model "nope"');
      const nothing = await cli(['sessions', 'patch', key]);
      expect(nothing.code).toBe(3);

      const reset = await cli(['sessions', 'reset', key]);
      expect(reset.output).toContain(`${key} starts over`);
      expect((await cli(['sessions', 'preview', key])).output).toContain(`${key}: empty`);

      const deleted = await cli(['sessions', 'delete', key]);
      expect(deleted.output).toContain(`deleted ${key}`);
      expect((await cli(['sessions', 'list'])).output).not.toContain(key);
    });
  });

  it('reads a real `gateway run` daemon from another state dir, the way a laptop would', async () => {
    const gatewayDir = makeStateDir();
    const laptopDir = makeStateDir();
    const port = await freePort();
    const daemon = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: gatewayDir });
    try {
      await daemon.waitFor('listening on');
      const token = fs.readFileSync(path.join(gatewayDir, 'gateway.token'), 'utf8').trim();
      // The daemon prints only warnings to its console, but its log file keeps info lines too.
      const run = runCli(['logs', '--url', `ws://127.0.0.1:${port}`, '--token', token], { NESTCLAW_STATE_DIR: laptopDir });
      expect((await run.exited).code).toBe(0);
      expect(run.output()).toMatch(/INFO +\[\w+\] /);
      expect(run.output()).not.toContain(token);
      expect(fs.statSync(path.join(gatewayDir, 'logs', 'gateway.log')).mode & 0o777).toBe(0o600);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      for (const dir of [gatewayDir, laptopDir]) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
