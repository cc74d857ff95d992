import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { makeStateDir } from '../support/test-app';

const BOT = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('nestclaw onboard', () => {
  let stateDir: string;
  let configPath: string;
  let envPath: string;
  let tokenPath: string;

  beforeEach(() => {
    // A state dir that does not exist yet, as on a first run.
    stateDir = path.join(makeStateDir(), 'state');
    configPath = path.join(stateDir, 'nestclaw.json');
    envPath = path.join(stateDir, 'gateway.env');
    tokenPath = path.join(stateDir, 'gateway.token');
  });

  afterEach(() => {
    fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
  });

  async function cli(args: string[], stdin?: string) {
    const run = runCli(args, { NESTCLAW_STATE_DIR: stateDir }, [], { stdin });
    const { code } = await run.exited;
    return { code, output: run.output() };
  }
  const readConfig = () => JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const envLines = () =>
    fs
      .readFileSync(envPath, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));

  describe('--non-interactive', () => {
    it('writes a loopback config with a generated token kept out of the config, then audits it', async () => {
      const { code, output } = await cli(['onboard', '--non-interactive', '--generate-token']);

      expect(code).toBe(0);
      expect(readConfig()).toEqual({
        gateway: { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token' } },
        agent: { provider: 'builtin' },
      });
      const token = fs.readFileSync(tokenPath, 'utf8').trim();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(envLines()).toEqual([`NESTCLAW_GATEWAY_TOKEN=${token}`]);
      for (const file of [configPath, envPath, tokenPath]) expect(modeOf(file)).toBe(0o600);
      expect(modeOf(stateDir)).toBe(0o700);
      expect(output).not.toContain(token);
      expect(output).toContain('security audit: 0 critical, 0 warnings, 1 info');
      expect(output).toContain('nestclaw gateway install');
    });

    it('puts Telegram and model secrets in gateway.env and the audit shows an open DM policy as critical', async () => {
      const { code, output } = await cli([
        'onboard',
        '--non-interactive',
        '--bind',
        'lan',
        '--generate-token',
        '--port',
        '19999',
        '--telegram-token',
        BOT,
        '--dm-policy',
        'open',
        '--provider',
        'openai',
        '--model',
        'gpt-4o-mini',
        '--base-url',
        'http://127.0.0.1:11434/v1',
        '--api-key',
        'sk-local-1',
      ]);

      expect(code).toBe(0);
      expect(readConfig()).toEqual({
        gateway: { mode: 'local', port: 19999, bind: 'lan', auth: { mode: 'token' } },
        channels: { telegram: { enabled: true, dmPolicy: 'open' } },
        agent: { provider: 'openai', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:11434/v1' },
      });
      expect(envLines()).toEqual([
        expect.stringMatching(/^NESTCLAW_GATEWAY_TOKEN=/),
        `TELEGRAM_BOT_TOKEN=${BOT}`,
        'OPENAI_API_KEY=sk-local-1',
      ]);
      expect(output).not.toContain(BOT);
      expect(output).not.toContain('sk-local-1');
      expect(output).toMatch(/CRITICAL channels\.telegram\.dm-open/);
      expect(output).toContain(`set -a; . ${envPath}; set +a`);
      expect(output).not.toContain('config.secret-in-file');
    });

    it('writes Tailscale Serve into the config and says what Tailscale needs', async () => {
      const { code, output } = await cli(['onboard', '--non-interactive', '--tailscale', 'serve']);
      expect(code).toBe(0);
      expect(readConfig().gateway).toEqual({
        mode: 'local',
        port: 18789,
        bind: 'loopback',
        auth: { mode: 'token' },
        tailscale: { mode: 'serve' },
      });
      expect(output).toContain('tailscale set --operator');
    });

    it('writes a remote config with the remote token in the 0600 config file', async () => {
      const { code } = await cli([
        'onboard',
        '--non-interactive',
        '--mode',
        'remote',
        '--remote-url',
        'ws://127.0.0.1:28789',
        '--remote-token',
        'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6',
      ]);
      expect(code).toBe(0);
      expect(readConfig()).toEqual({
        gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:28789', token: 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6' } },
      });
      expect(modeOf(configPath)).toBe(0o600);
      expect(fs.existsSync(envPath)).toBe(false);
    });

    it.each<[string, string[], string]>([
      ['a lan bind without a token', ['--bind', 'lan'], '--generate-token'],
      ['an unknown provider', ['--provider', 'nope'], '--provider must be one of builtin, openai'],
      [
        'a base URL the loader refuses',
        ['--provider', 'openai', '--model', 'm', '--base-url', 'ftp://x'],
        'agent.baseUrl: must be an http(s) URL',
      ],
    ])('refuses %s with exit 3 and writes nothing', async (_name, flags, text) => {
      const { code, output } = await cli(['onboard', '--non-interactive', ...flags]);
      expect(code).toBe(3);
      expect(output).toContain(text);
      expect(output).toContain('nothing was written');
      expect(fs.existsSync(configPath)).toBe(false);
      expect(fs.existsSync(envPath)).toBe(false);
    });

    it('never overwrites a config without --force, and backs it up with --force', async () => {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(configPath, '{ gateway: { port: 1234 } }\n', { mode: 0o644 });

      const refused = await cli(['onboard', '--non-interactive']);
      expect(refused.code).toBe(3);
      expect(refused.output).toContain('already exists: pass --force');
      expect(fs.readFileSync(configPath, 'utf8')).toBe('{ gateway: { port: 1234 } }\n');

      const forced = await cli(['onboard', '--non-interactive', '--force']);
      expect(forced.code).toBe(0);
      const backups = fs.readdirSync(stateDir).filter((name) => name.startsWith('nestclaw.json.bak-'));
      expect(backups).toHaveLength(1);
      expect(fs.readFileSync(path.join(stateDir, backups[0]), 'utf8')).toBe('{ gateway: { port: 1234 } }\n');
      expect(modeOf(path.join(stateDir, backups[0]))).toBe(0o600);
      expect(readConfig().gateway.port).toBe(18789);
    });
  });

  describe('interactive', () => {
    it('asks its questions on stdin, re-asks after a bad answer, and writes what was answered', async () => {
      const answers = [
        'local', // mode
        'abc', // port: not a number, asked again
        '19001', // port
        '', // bind: default loopback
        '', // tailscale: default off
        '', // auth: default token
        'y', // generate a token
        'y', // Telegram
        BOT,
        'allowlist',
        '111, 222',
        'openai',
        '', // model: default gpt-4o-mini
        '', // base URL: none
        'sk-typed-2',
        'y', // write
      ];

      const { code, output } = await cli(['onboard'], `${answers.join('\n')}\n`);

      expect(code).toBe(0);
      expect(output).toContain('a port is a number from 1 to 65535');
      expect(readConfig()).toEqual({
        gateway: { mode: 'local', port: 19001, bind: 'loopback', auth: { mode: 'token' } },
        channels: { telegram: { enabled: true, dmPolicy: 'allowlist', allowFrom: ['111', '222'] } },
        agent: { provider: 'openai', model: 'gpt-4o-mini' },
      });
      expect(envLines()).toEqual([
        expect.stringMatching(/^NESTCLAW_GATEWAY_TOKEN=/),
        `TELEGRAM_BOT_TOKEN=${BOT}`,
        'OPENAI_API_KEY=sk-typed-2',
      ]);
      expect(output).not.toContain(BOT);
      expect(output).toContain('security audit:');
    });

    it('writes nothing when input ends early, and exits 3', async () => {
      const { code, output } = await cli(['onboard'], 'local\n19001\n');
      expect(code).toBe(3);
      expect(output).toContain('input ended before onboarding finished; nothing was written');
      expect(fs.existsSync(configPath)).toBe(false);
    });

    it('keeps an existing config when the answer to "replace?" is no', async () => {
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(configPath, '{}\n');
      const { code, output } = await cli(['onboard'], 'n\n');
      expect(code).toBe(0);
      expect(output).toContain('nothing was written');
      expect(fs.readFileSync(configPath, 'utf8')).toBe('{}\n');
    });
  });
});
