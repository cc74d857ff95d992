import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import { createTestApp, stateDirPool, type TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const ada: FakeUser = { id: 4242, first_name: 'Ada' };
const STRONG = 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6mQ';

async function cli(args: string[], env: Record<string, string>) {
  const run = runCli(args, env);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

/** Human CLI output (issue 12 point 8): exit codes that match the outcome, aligned tables, no local facts in remote mode. */
describe('CLI output', () => {
  const pool = stateDirPool();
  afterAll(() => pool.removeAll());
  const appEnv = (app: TestApp) => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });

  describe('against a gateway with Telegram and a failing model', () => {
    let telegram: FakeTelegram;
    let model: FakeOpenAi;
    let app: TestApp;
    const nodes: WsTestClient[] = [];

    beforeAll(async () => {
      telegram = await new FakeTelegram().start();
      model = await FakeOpenAi.start();
      app = await createTestApp({
        config: {
          agent: { provider: 'openai', model: 'fake-model', baseUrl: model.baseUrl, apiKey: 'sk-test-key' },
          channels: {
            telegram: { enabled: true, botToken: telegram.token, apiRoot: telegram.apiRoot, allowFrom: [ada.id] },
          },
        },
      });
      await telegram.waitForCall('getUpdates');
    }, 30_000);
    afterAll(async () => {
      await Promise.all(nodes.map((node) => node.close()));
      await app?.close();
      await telegram?.stop();
      await model?.close();
    });

    it('`gateway agent` prints why the run failed and exits non-zero', async () => {
      model.script(reply.status(500), reply.status(500));
      const { code, output } = await cli(['gateway', 'agent', '--message', 'hi'], appEnv(app));
      expect(output).toContain('agent run error: the model endpoint answered HTTP 500');
      expect(code).not.toBe(0);
    }, 60_000);

    it('`gateway send` says where the message went, in words, without --json', async () => {
      const { code, output } = await cli(
        ['gateway', 'send', '--channel', 'telegram', '--to', String(ada.id), '--message', 'hello from the CLI'],
        appEnv(app),
      );
      expect(code).toBe(0);
      expect(output.trim()).toMatch(/^sent to 4242 on telegram \(message \S+\)$/);
      expect((await telegram.waitForSent(ada.id, 1, 10_000)).at(-1)!.text).toBe('hello from the CLI');
    }, 30_000);

    it('`nodes list` aligns every column under its header', async () => {
      for (const [id, name] of [
        ['n1', 'a'],
        ['n2', 'a-much-longer-node-name'],
      ]) {
        const node = await WsTestClient.open(app.url);
        nodes.push(node);
        const res = await node.connect({
          role: 'node',
          client: { id, displayName: name, version: '1.0.0', platform: 'linux', mode: 'node' },
          commands: ['test.echo'],
          auth: { token: app.token },
        });
        expect(res.ok).toBe(true);
      }
      const { code, output } = await cli(['nodes', 'list'], appEnv(app));
      expect(code).toBe(0);
      const lines = output.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      for (const header of ['ID', 'PLATFORM', 'STATE', 'COMMANDS']) {
        const column = lines[0].indexOf(` ${header}`) + 1;
        expect(column).toBeGreaterThan(0);
        // Each row has a value starting exactly under the header, after a blank.
        for (const row of lines.slice(1)) expect(row.slice(column - 1, column + 1)).toMatch(/^ \S$/);
      }
    }, 30_000);
  });

  describe('in remote mode', () => {
    /** A client machine's config that also carries (unused) local gateway settings an audit would flag. */
    const remoteState = (mode: 'remote' | 'local') => {
      const dir = pool.make();
      fs.writeFileSync(
        path.join(dir, 'nestclaw.json'),
        JSON.stringify({
          gateway: { mode, bind: 'lan', auth: { token: 'short' }, remote: { url: 'ws://127.0.0.1:9', token: STRONG } },
          channels: { telegram: { dmPolicy: 'open' } },
        }),
        { mode: 0o600 },
      );
      fs.chmodSync(dir, 0o700);
      return dir;
    };

    it('`status` reports the target and no local bind, port or auth', async () => {
      const { code, output } = await cli(['status'], { NESTCLAW_STATE_DIR: remoteState('remote') });
      expect(code).toBe(0);
      expect(output).toMatch(/^mode +remote/m);
      expect(output).toMatch(/^target +ws:\/\/127\.0\.0\.1:9/m);
      expect(output).toMatch(/^client state /m);
      expect(output).not.toMatch(/^(bind|auth) /m);
      // The same file in local mode does show them: the test can tell the two apart.
      expect((await cli(['status'], { NESTCLAW_STATE_DIR: remoteState('local') })).output).toMatch(/^bind +lan/m);
    }, 30_000);

    it('`security audit` judges only this client, not gateway settings it does not use', async () => {
      const local = JSON.parse((await cli(['security', 'audit', '--json'], { NESTCLAW_STATE_DIR: remoteState('local') })).output);
      const localIds = local.findings.map((f: { id: string }) => f.id);
      expect(localIds).toEqual(expect.arrayContaining(['gateway.bind.non-loopback', 'gateway.auth.weak-token']));

      const remote = await cli(['security', 'audit', '--json'], { NESTCLAW_STATE_DIR: remoteState('remote') });
      const ids = JSON.parse(remote.output).findings.map((f: { id: string }) => f.id);
      expect(
        ids.filter((id: string) => id.startsWith('gateway.') || id.startsWith('channels.') || id.startsWith('tools.')),
      ).toEqual([]);
      expect(remote.code).toBe(0);
      const human = await cli(['security', 'audit'], { NESTCLAW_STATE_DIR: remoteState('remote') });
      expect(human.output).toContain('mode    remote: only this client was audited');
    }, 30_000);
  });

  it('the start-up banner names the auth mode in use', async () => {
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port), '--auth', 'password', '--password', STRONG], {
      NESTCLAW_STATE_DIR: pool.make(),
    });
    try {
      await run.waitFor(`listening on ws://127.0.0.1:${port}`, 20_000);
      await run.waitFor(/auth +password from/, 10_000);
      expect(run.output()).toContain('(Control UI; sign in with the gateway password)');
      expect(run.output()).not.toContain('gateway token');
      expect(run.output()).not.toContain(STRONG);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 40_000);
});
