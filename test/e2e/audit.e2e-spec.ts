import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { freePort } from '../support/free-port';
import { makeStateDir } from '../support/test-app';

const STRONG = 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6mQ';
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

async function cli(args: string[], env: Record<string, string>) {
  const run = runCli(args, env);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

describe('nestclaw security audit', () => {
  const dirs: string[] = [];
  /** A state dir holding this config, with the given modes. */
  const stateWith = (config: object, modes: { dir?: number; config?: number; token?: string; tokenMode?: number } = {}) => {
    const dir = makeStateDir();
    dirs.push(dir);
    const configPath = path.join(dir, 'nestclaw.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    fs.chmodSync(configPath, modes.config ?? 0o600);
    if (modes.token !== undefined) {
      fs.writeFileSync(path.join(dir, 'gateway.token'), `${modes.token}\n`);
      fs.chmodSync(path.join(dir, 'gateway.token'), modes.tokenMode ?? 0o600);
    }
    fs.chmodSync(dir, modes.dir ?? 0o700);
    return { dir, configPath, tokenPath: path.join(dir, 'gateway.token') };
  };
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('exits 0 with nothing worse than info for a fresh loopback setup', async () => {
    const { dir } = stateWith({}, { token: STRONG });
    const { code, output } = await cli(['security', 'audit', '--json'], { NESTCLAW_STATE_DIR: dir });
    expect(code).toBe(0);
    const report = JSON.parse(output);
    expect(report).toEqual({
      findings: [expect.objectContaining({ id: 'gateway.nodes.system-run', severity: 'info' })],
      fixed: [],
      critical: 0,
    });
  });

  it('reports an insecure setup with severities and fixes, and exits 1 on a critical finding', async () => {
    const { dir, configPath } = stateWith(
      {
        gateway: { auth: { token: 'short' }, trustedProxies: ['0.0.0.0'], nodes: { allowCommands: ['*'] } },
        channels: { telegram: { enabled: true, botToken: '123:abc', dmPolicy: 'open' } },
        tools: { exec: { enabled: true } },
      },
      { dir: 0o755, config: 0o644 },
    );

    const { code, output } = await cli(['security', 'audit', '--json'], { NESTCLAW_STATE_DIR: dir });

    expect(code).toBe(1);
    const report = JSON.parse(output);
    const ids = report.findings.map((f: { id: string; severity: string }) => `${f.severity} ${f.id}`);
    expect(ids).toEqual([
      'critical fs.file-mode',
      'critical tools.exec.no-allowlist',
      'critical channels.telegram.dm-open',
      'warn gateway.auth.weak-token',
      'warn config.secret-in-file',
      'warn fs.dir-mode',
      'warn gateway.trusted-proxies',
      'warn gateway.nodes.system-run',
    ]);
    expect(report.critical).toBe(3);
    expect(report.fixed).toEqual([]);
    for (const finding of report.findings) {
      expect(finding).toEqual({
        id: expect.any(String),
        severity: expect.any(String),
        message: expect.any(String),
        fix: expect.any(String),
        fixable: expect.any(Boolean),
      });
    }
    expect(report.findings[0]).toMatchObject({ fixable: true, message: expect.stringContaining(configPath) });
    expect(output).not.toContain('123:abc');
  });

  it('prints plain text a person can read, without colour codes', async () => {
    const { dir } = stateWith({ channels: { telegram: { enabled: true, dmPolicy: 'open' } } });
    const { code, output } = await cli(['security', 'audit'], { NESTCLAW_STATE_DIR: dir, TELEGRAM_BOT_TOKEN: '123:abc' });
    expect(code).toBe(1);
    expect(output).toMatch(/^nestclaw security audit: 1 critical, 0 warnings, 1 info$/m);
    expect(output).toMatch(/^CRITICAL +channels\.telegram\.dm-open$/m);
    expect(output).toContain('  fix: set channels.telegram.dmPolicy to "pairing"');
    expect(output).not.toMatch(/\x1b\[/);
  });

  it('--fix tightens file modes, says what it changed, and exits 0 once no critical finding is left', async () => {
    const { dir, configPath, tokenPath } = stateWith(
      { gateway: { remote: { token: STRONG } } },
      { dir: 0o755, config: 0o644, token: STRONG, tokenMode: 0o640 },
    );

    const before = await cli(['security', 'audit'], { NESTCLAW_STATE_DIR: dir });
    expect(before.code).toBe(1);
    expect(before.output).toContain('`nestclaw security audit --fix` can apply 3 of these fixes');

    const fixed = await cli(['security', 'audit', '--fix'], { NESTCLAW_STATE_DIR: dir });
    expect(fixed.code).toBe(0);
    expect(fixed.output).toContain(`chmod 600 ${configPath}  (was 0644)`);
    expect(fixed.output).toContain(`chmod 600 ${tokenPath}  (was 0640)`);
    expect(fixed.output).toContain(`chmod 700 ${dir}  (was 0755)`);
    expect(modeOf(configPath)).toBe(0o600);
    expect(modeOf(tokenPath)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);

    const again = await cli(['security', 'audit', '--fix', '--json'], { NESTCLAW_STATE_DIR: dir });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.output)).toMatchObject({ fixed: [], critical: 0 });
  });

  it('--fix leaves findings it cannot fix and keeps exit 1 for them', async () => {
    const { dir } = stateWith({ channels: { telegram: { enabled: true, dmPolicy: 'open' } } }, { dir: 0o750 });
    const { code, output } = await cli(['security', 'audit', '--fix', '--json'], {
      NESTCLAW_STATE_DIR: dir,
      TELEGRAM_BOT_TOKEN: '123:abc',
    });
    expect(code).toBe(1);
    const report = JSON.parse(output);
    expect(report.fixed).toEqual([{ path: dir, from: '0750', to: '0700' }]);
    expect(report.findings.map((f: { id: string }) => f.id)).toEqual(['channels.telegram.dm-open', 'gateway.nodes.system-run']);
  });

  it('exits 3 on a config it cannot load', async () => {
    const { dir } = stateWith({ gateway: { bogus: true } });
    const { code, output } = await cli(['security', 'audit'], { NESTCLAW_STATE_DIR: dir });
    expect(code).toBe(3);
    expect(output).toContain('gateway.bogus: unknown key');
  });

  it('is logged once by a starting gateway for each critical finding', async () => {
    const { dir, configPath } = stateWith({ gateway: { auth: { token: STRONG } } }, { config: 0o644 });
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: dir });
    try {
      await run.waitFor('listening on');
      const warnings = run
        .output()
        .split('\n')
        .filter((line) => line.includes('[SecurityAudit]'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${configPath} has mode 0644`);
      expect(run.output()).not.toContain(STRONG);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 30_000);
});
