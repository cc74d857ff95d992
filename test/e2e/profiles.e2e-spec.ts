import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { profilePort } from '../../src/common/config/profile';
import { cleanEnv, CliRun, runCli } from '../support/cli-process';
import { createTestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(60_000);

/** `--profile NAME` on every command, and `node install|uninstall` (issue 14, point 6), with real processes. */
describe('profiles and node install', () => {
  let home: string;
  const runs: CliRun[] = [];
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    const run = runCli(args, { HOME: home, ...extra });
    const { code } = await run.exited;
    return { code, output: run.output() };
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-profiles-'));
  });
  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('runs two profiles side by side, each with its own state dir, port and token, and the CLI reaches each', async () => {
    const alpha = runCli(['--profile', 'alpha', 'gateway', 'run'], { HOME: home });
    const beta = runCli(['gateway', 'run', '--profile=beta'], { HOME: home });
    runs.push(alpha, beta);
    await alpha.waitFor(`listening on ws://127.0.0.1:${profilePort('alpha')}`, 45_000);
    await beta.waitFor(`listening on ws://127.0.0.1:${profilePort('beta')}`, 45_000);

    const tokens = ['alpha', 'beta'].map((name) =>
      fs.readFileSync(path.join(home, `.nestclaw-${name}`, 'gateway.token'), 'utf8').trim(),
    );
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(fs.existsSync(path.join(home, '.nestclaw'))).toBe(false);

    for (const name of ['alpha', 'beta']) {
      const status = await cli(['status', '--json', '--profile', name]);
      expect(status.code).toBe(0);
      expect(status.output).toContain(`127.0.0.1:${profilePort(name)}`);
    }
    // One profile's token does not open the other's gateway.
    const crossed = await WsTestClient.open(`ws://127.0.0.1:${profilePort('beta')}`);
    expect((await crossed.connect({ auth: { token: tokens[0] } })).ok).toBe(false);
    await crossed.close();
    expect((await cli(['--profile', '../x', 'status'])).code).toBe(3);
  });

  it('installs a node host unit whose command connects, with the secret only in a 0600 env file, and uninstalls it', async () => {
    const app = await createTestApp();
    try {
      const units = path.join(home, 'units');
      const env = { NESTCLAW_SYSTEMD_DIR: units };
      const installed = await cli(
        [
          '--profile',
          'lab',
          'node',
          'install',
          '--url',
          app.url,
          '--token',
          app.token,
          '--exec',
          'allowlist',
          '--display-name',
          'lab box',
        ],
        env,
      );
      expect(installed.code).toBe(0);
      expect(installed.output).toContain('systemctl --user enable --now nestclaw-node-lab');
      const unitFile = path.join(units, 'nestclaw-node-lab.service');
      const unit = fs.readFileSync(unitFile, 'utf8');
      expect(unit).not.toContain(app.token);
      const stateDir = path.join(home, '.nestclaw-lab');
      expect(unit).toContain(`Environment=NESTCLAW_STATE_DIR=${stateDir}`);
      const envFile = path.join(stateDir, 'node.env');
      expect(unit).toContain(`EnvironmentFile=${envFile}`);
      expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(envFile, 'utf8')).toContain(`NESTCLAW_NODE_TOKEN=${app.token}`);
      expect(installed.output).not.toContain(app.token);

      // Run exactly what systemd would: ExecStart with the unit's environment and the env file.
      // systemd's word splitting, enough for what the unit holds: plain words and double-quoted ones.
      const execStart = [...unit.match(/^ExecStart=(.*)$/m)![1].matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(
        (word) => word[1]?.replace(/\\(.)/g, '$1') ?? word[2],
      );
      expect(execStart.slice(2)).toEqual(['--profile', 'lab', 'node', 'run', '--exec', 'allowlist', '--display-name', 'lab box']);
      const fromFile = Object.fromEntries(
        fs
          .readFileSync(envFile, 'utf8')
          .split('\n')
          .filter((line) => /^[A-Z_]+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^'|'$/g, '')]),
      );
      const child = spawn(execStart[0], execStart.slice(1), {
        env: cleanEnv({ HOME: home, NESTCLAW_STATE_DIR: stateDir, ...fromFile }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      try {
        const operator = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.read'] });
        const deadline = Date.now() + 20_000;
        let nodes: Array<{ displayName?: string; connected: boolean }> = [];
        while (Date.now() < deadline) {
          nodes = ((await operator.request('node.list')).payload as { nodes: typeof nodes }).nodes;
          if (nodes.some((node) => node.displayName === 'lab box' && node.connected)) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await operator.close();
        expect(nodes).toEqual([expect.objectContaining({ displayName: 'lab box', connected: true })]);
        expect(output).not.toContain(app.token);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }

      const again = await cli(['--profile', 'lab', 'node', 'install', '--exec', 'allowlist', '--display-name', 'lab box'], env);
      expect(again.code).toBe(0);
      expect(again.output).toContain('already installed and up to date');
      expect(fs.readFileSync(envFile, 'utf8')).toContain(`NESTCLAW_NODE_TOKEN=${app.token}`);

      const gatewayUnit = await cli(['--profile', 'lab', 'gateway', 'install'], env);
      expect(gatewayUnit.code).toBe(0);
      expect(fs.readFileSync(path.join(units, 'nestclaw-gateway-lab.service'), 'utf8')).toContain('--profile lab gateway run');

      const removed = await cli(['--profile', 'lab', 'node', 'uninstall'], env);
      expect(removed.code).toBe(0);
      expect(fs.existsSync(unitFile)).toBe(false);
      expect(fs.existsSync(envFile)).toBe(true);
      expect((await cli(['--profile', 'lab', 'node', 'uninstall'], env)).code).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('refuses a first node install without a URL, and a URL without a secret', async () => {
    const env = { NESTCLAW_SYSTEMD_DIR: path.join(home, 'units') };
    const noUrl = await cli(['node', 'install'], env);
    expect(noUrl.code).toBe(3);
    expect(noUrl.output).toContain('--url is required the first time');
    const noSecret = await cli(['node', 'install', '--url', 'ws://127.0.0.1:1'], env);
    expect(noSecret.code).toBe(3);
    expect(noSecret.output).toContain('needs --token or --password');
    const urlsWithoutBrowser = await cli(
      ['node', 'install', '--url', 'ws://127.0.0.1:1', '--token', 'x', '--browser-allow-url', 'http://127.0.0.1:3000/*'],
      env,
    );
    expect(urlsWithoutBrowser.code).toBe(3);
    expect(urlsWithoutBrowser.output).toContain('--browser-allow-url applies only with --browser');
  });

  it('installs a node host that serves the browser routes, with its allowed URLs (dry run)', async () => {
    const env = { NESTCLAW_SYSTEMD_DIR: path.join(home, 'units') };
    const args = ['node', 'install', '--url', 'ws://127.0.0.1:1', '--token', 'x', '--browser', '--dry-run'];

    const printed = await cli([...args, '--browser-allow-url', 'http://127.0.0.1:3000/*', 'http://lab.local/*'], env);

    expect(printed.code).toBe(0);
    expect(printed.output).toContain(
      'node run --exec deny --browser --browser-allow-url http://127.0.0.1:3000/* --browser-allow-url http://lab.local/*',
    );
  });
});
