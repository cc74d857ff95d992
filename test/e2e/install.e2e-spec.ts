import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, runCli } from '../support/cli-process';

const UNIT = 'nestclaw-gateway.service';
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('nestclaw gateway install|uninstall|restart|stop (fake systemd)', () => {
  let root: string;
  let unitDir: string;
  let stateDir: string;
  let log: string;
  let env: Record<string, string>;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-install-'));
    unitDir = path.join(root, 'units');
    stateDir = path.join(root, 'state');
    log = path.join(root, 'systemctl.log');
    const fake = path.join(root, 'systemctl');
    // Records its arguments, one call per line; FAKE_SYSTEMCTL_EXIT makes it fail.
    fs.writeFileSync(fake, '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$FAKE_SYSTEMCTL_LOG"\nexit "${FAKE_SYSTEMCTL_EXIT:-0}"\n', {
      mode: 0o755,
    });
    env = { NESTCLAW_STATE_DIR: stateDir, NESTCLAW_SYSTEMD_DIR: unitDir, NESTCLAW_SYSTEMCTL: fake, FAKE_SYSTEMCTL_LOG: log };
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function cli(args: string[], extra: Record<string, string> = {}) {
    const run = runCli(args, { ...env, ...extra });
    const { code } = await run.exited;
    return { code, output: run.output() };
  }
  const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);

  describe('install', () => {
    it('--dry-run prints the unit with the real node and CLI paths and writes nothing', async () => {
      const { code, output } = await cli(['gateway', 'install', '--dry-run']);
      expect(code).toBe(0);
      expect(output).toContain('dry run: nothing was written');
      expect(output).toContain(`ExecStart=${process.execPath} ${fs.realpathSync(CLI)} gateway run`);
      expect(output).toContain(`EnvironmentFile=-${stateDir}/gateway.env`);
      expect(output).toContain('systemctl --user daemon-reload && systemctl --user enable --now nestclaw-gateway');
      expect(fs.existsSync(unitDir)).toBe(false);
      expect(fs.existsSync(stateDir)).toBe(false);
      expect(calls()).toEqual([]);
    });

    it('writes a user unit and a 0600 env file, prints the enable command and does not run it', async () => {
      const { code, output } = await cli(['gateway', 'install']);
      expect(code).toBe(0);
      const unitPath = path.join(unitDir, UNIT);
      const unit = fs.readFileSync(unitPath, 'utf8');
      expect(unit).toContain('Restart=on-failure');
      expect(unit).toContain(`Environment=NESTCLAW_STATE_DIR=${stateDir}`);
      expect(unit).toContain('WantedBy=default.target');
      expect(modeOf(unitPath)).toBe(0o644);
      expect(modeOf(path.join(stateDir, 'gateway.env'))).toBe(0o600);
      expect(modeOf(stateDir)).toBe(0o700);
      expect(output).toContain(`wrote ${unitPath}`);
      expect(output).toContain(`created ${stateDir}/gateway.env (mode 0600)`);
      expect(output).toContain('systemctl --user daemon-reload && systemctl --user enable --now nestclaw-gateway');
      expect(calls()).toEqual([]);
    });

    it('keeps an existing env file and accepts an identical unit', async () => {
      await cli(['gateway', 'install']);
      fs.writeFileSync(path.join(stateDir, 'gateway.env'), 'NESTCLAW_GATEWAY_TOKEN=keep-me\n');
      const { code, output } = await cli(['gateway', 'install']);
      expect(code).toBe(0);
      expect(output).toContain('already installed and up to date');
      expect(fs.readFileSync(path.join(stateDir, 'gateway.env'), 'utf8')).toBe('NESTCLAW_GATEWAY_TOKEN=keep-me\n');
    });

    it('refuses to replace a different unit without --force, and keeps a backup with it', async () => {
      fs.mkdirSync(unitDir);
      const unitPath = path.join(unitDir, UNIT);
      fs.writeFileSync(unitPath, '[Service]\nExecStart=/bin/true\n');

      const refused = await cli(['gateway', 'install']);
      expect(refused.code).toBe(3);
      expect(refused.output).toContain('already exists and differs');
      expect(fs.readFileSync(unitPath, 'utf8')).toBe('[Service]\nExecStart=/bin/true\n');

      const forced = await cli(['gateway', 'install', '--force']);
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(`${unitPath}.bak`, 'utf8')).toBe('[Service]\nExecStart=/bin/true\n');
      expect(fs.readFileSync(unitPath, 'utf8')).toContain('gateway run');
    });

    it('--system --dry-run shows the system unit: service user, /var/lib/nestclaw, sandbox', async () => {
      const { code, output } = await cli(['gateway', 'install', '--system', '--dry-run']);
      expect(code).toBe(0);
      expect(output).toContain('User=nestclaw');
      expect(output).toContain('StateDirectory=nestclaw');
      expect(output).toContain('EnvironmentFile=-/var/lib/nestclaw/gateway.env');
      expect(output).toContain('ProtectSystem=strict');
      expect(output).toContain('systemctl daemon-reload && systemctl enable --now nestclaw-gateway');
      expect(output).not.toContain('systemctl --user');
    });

    it('refuses --user together with --system', async () => {
      const { code, output } = await cli(['gateway', 'install', '--user', '--system', '--dry-run']);
      expect(code).toBe(3);
      expect(output).toMatch(/cannot be used with/);
    });
  });

  describe('restart and stop', () => {
    it.each(['restart', 'stop'])('%s calls systemctl --user for an installed user unit', async (action) => {
      await cli(['gateway', 'install']);
      const { code, output } = await cli(['gateway', action]);
      expect(code).toBe(0);
      expect(calls()).toEqual([`--user ${action} nestclaw-gateway`]);
      expect(output).toContain(`systemctl --user ${action} nestclaw-gateway`);
    });

    it('calls systemctl without --user for --system', async () => {
      fs.mkdirSync(unitDir);
      fs.writeFileSync(path.join(unitDir, UNIT), '[Service]\n');
      const { code } = await cli(['gateway', 'restart', '--system']);
      expect(code).toBe(0);
      expect(calls()).toEqual(['restart nestclaw-gateway']);
    });

    it('says how to install when there is no unit, without calling systemctl', async () => {
      const { code, output } = await cli(['gateway', 'stop']);
      expect(code).toBe(1);
      expect(output).toContain(`no ${UNIT} in ${unitDir}`);
      expect(output).toContain('nestclaw gateway install');
      expect(calls()).toEqual([]);
    });

    it('exits 1 and names the command when systemctl fails', async () => {
      await cli(['gateway', 'install']);
      const { code, output } = await cli(['gateway', 'restart'], { FAKE_SYSTEMCTL_EXIT: '5' });
      expect(code).toBe(1);
      expect(output).toContain('`systemctl --user restart nestclaw-gateway` failed (exit 5)');
    });

    it('exits 1 with a clear message when systemctl cannot run', async () => {
      await cli(['gateway', 'install']);
      const { code, output } = await cli(['gateway', 'restart'], { NESTCLAW_SYSTEMCTL: path.join(root, 'no-such-systemctl') });
      expect(code).toBe(1);
      expect(output).toContain('cannot run');
      expect(output).toContain('ENOENT');
    });
  });

  describe('uninstall', () => {
    it('removes the unit and its enablement link, keeps the secrets, and says what to run next', async () => {
      await cli(['gateway', 'install']);
      const wants = path.join(unitDir, 'default.target.wants');
      fs.mkdirSync(wants);
      fs.symlinkSync(path.join(unitDir, UNIT), path.join(wants, UNIT));

      const { code, output } = await cli(['gateway', 'uninstall']);

      expect(code).toBe(0);
      expect(fs.existsSync(path.join(unitDir, UNIT))).toBe(false);
      expect(fs.lstatSync(path.join(wants, UNIT), { throwIfNoEntry: false })).toBeUndefined();
      expect(fs.existsSync(path.join(stateDir, 'gateway.env'))).toBe(true);
      expect(output).toContain('systemctl --user stop nestclaw-gateway; systemctl --user daemon-reload');
      expect(calls()).toEqual([]);
    });

    it('exits 1 when nothing is installed', async () => {
      const { code, output } = await cli(['gateway', 'uninstall']);
      expect(code).toBe(1);
      expect(output).toContain('nothing to uninstall');
    });
  });
});
