import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayEnvPath } from '../../common/audit';
import { activeProfile, ConfigError, loadConfig, profileUnitName } from '../../common/config';
import { ensurePrivateDir } from '../../common/state';
import { ExitCode } from '../exit-codes';
import { printLines } from '../output';
import {
  DEFAULT_SERVICE_USER,
  renderUnit,
  SYSTEM_STATE_DIR,
  systemctlArgs,
  systemctlCommand,
  UnitScope,
  UnitSpec,
  unwritablePath,
} from './gateway-install-unit';
import { ensureEnvFile } from './onboard-env-file';

/** Read once the CLI applied --profile (this module is imported when the command runs). */
const PROFILE = activeProfile(process.env);
const UNIT_NAME = profileUnitName('nestclaw-gateway', PROFILE);
const UNIT_FILE = `${UNIT_NAME}.service`;

export interface ScopeOptions {
  user?: boolean;
  system?: boolean;
}

export interface InstallOptions extends ScopeOptions {
  dryRun?: boolean;
  force?: boolean;
  serviceUser?: string;
}

/**
 * Test hooks, documented in docs/operations.md: NESTCLAW_SYSTEMD_DIR replaces
 * the unit directory and NESTCLAW_SYSTEMCTL the systemctl program, so tests
 * never touch the real systemd. Read here because they are not configuration.
 */
export function unitDir(scope: UnitScope): string {
  const override = process.env.NESTCLAW_SYSTEMD_DIR;
  if (override) return path.resolve(override);
  if (scope === 'system') return '/etc/systemd/system';
  const configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(configHome, 'systemd', 'user');
}

function systemctlProgram(): string {
  return process.env.NESTCLAW_SYSTEMCTL || 'systemctl';
}

function unitPath(scope: UnitScope): string {
  return path.join(unitDir(scope), UNIT_FILE);
}

/** The scope the flags name, else the one with an installed unit (user first), else user. */
function detectScope(options: ScopeOptions): UnitScope {
  if (options.system) return 'system';
  if (options.user) return 'user';
  if (!fs.existsSync(unitPath('user')) && fs.existsSync(unitPath('system'))) return 'system';
  return 'user';
}

/** bin/nestclaw of this installation, symlinks resolved (npm links it into a bin dir). */
export function cliPath(): string {
  const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'nestclaw');
  try {
    return fs.realpathSync(bin);
  } catch {
    return bin;
  }
}

function buildSpec(options: InstallOptions): UnitSpec {
  const scope: UnitScope = options.system ? 'system' : 'user';
  // Only the paths: an invalid config file must not stop an install (the service would report it).
  const paths = loadConfig({ env: process.env, homeDir: os.homedir(), readFile: () => undefined });
  const stateDir = scope === 'system' ? SYSTEM_STATE_DIR : paths.stateDir;
  const defaultConfig = path.join(paths.stateDir, 'nestclaw.json');
  const cli = cliPath();
  const nodePath = process.execPath;
  const spec: UnitSpec = {
    scope,
    nodePath,
    cliPath: cli,
    workingDirectory: path.dirname(path.dirname(cli)),
    stateDir,
    configPath: paths.configPath !== defaultConfig ? paths.configPath : undefined,
    envFile: gatewayEnvPath(stateDir),
    ...(PROFILE ? { profile: PROFILE } : {}),
  };
  if (scope === 'system') {
    spec.serviceUser = options.serviceUser || DEFAULT_SERVICE_USER;
    spec.homeReadOnly = [nodePath, cli].some((p) => /^\/(home|root)(\/|$)/.test(p));
  }
  return spec;
}

export async function installCommand(options: InstallOptions): Promise<void> {
  let spec: UnitSpec;
  try {
    spec = buildSpec(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail(error.message, ExitCode.Usage);
  }
  if (spec.serviceUser && !/^[a-z_][a-z0-9_-]*\$?$/i.test(spec.serviceUser)) {
    return fail(`--service-user "${spec.serviceUser}" is not a valid user name`, ExitCode.Usage);
  }
  const badPath = unwritablePath(spec);
  if (badPath !== undefined)
    return fail(`cannot write the path ${JSON.stringify(badPath)} into a unit (it contains a line break)`, ExitCode.Usage);

  const target = unitPath(spec.scope);
  const unit = renderUnit(spec);
  const existing = readIfExists(target);
  const summary = describeSpec(spec, target);

  if (options.dryRun) {
    printLines([
      'dry run: nothing was written',
      ...summary,
      '',
      `${target}${existing === undefined ? '' : existing === unit ? ' (already installed, identical)' : ' (exists and differs: --force would replace it)'}:`,
      ...unit
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
      '',
      ...nextSteps(spec),
    ]);
    return;
  }

  if (existing !== undefined && existing !== unit && !options.force) {
    return fail(
      `${target} already exists and differs from the unit this install would write; run \`nestclaw gateway install --dry-run\` to compare, then again with --force to replace it (the old one is kept as ${UNIT_FILE}.bak)`,
      ExitCode.Usage,
    );
  }

  const lines: string[] = [];
  try {
    if (existing === unit) {
      lines.push(`${target} is already installed and up to date`);
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (existing !== undefined) {
        fs.writeFileSync(`${target}.bak`, existing, { mode: 0o644 });
        lines.push(`kept the previous unit as ${target}.bak`);
      }
      // Units must be readable by systemd (and are by everyone): no secrets in them.
      fs.writeFileSync(`${target}.tmp`, unit, { mode: 0o644 });
      fs.renameSync(`${target}.tmp`, target);
      lines.push(`wrote ${target}`);
    }
    ensurePrivateDir(spec.stateDir);
    const created = ensureEnvFile(spec.envFile);
    lines.push(`${created ? 'created' : 'kept'} ${spec.envFile} (mode 0600) for secrets`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return fail(
        `not allowed to write ${(error as NodeJS.ErrnoException).path ?? target}${spec.scope === 'system' ? ': a system unit needs root (sudo nestclaw gateway install --system)' : ''}`,
        ExitCode.Failed,
      );
    }
    throw error;
  }
  printLines([...lines, ...summary, '', ...nextSteps(spec)]);
}

function describeSpec(spec: UnitSpec, target: string): string[] {
  const lines = [
    `  unit       ${target}`,
    `  runs       ${spec.nodePath} ${spec.cliPath} gateway run${spec.serviceUser ? ` as user ${spec.serviceUser}` : ''}`,
    `  state      ${spec.stateDir}`,
    `  secrets    ${spec.envFile} (EnvironmentFile; NESTCLAW_GATEWAY_TOKEN=... is required for a non-loopback bind)`,
  ];
  if (spec.configPath) lines.push(`  config     ${spec.configPath} (from NESTCLAW_CONFIG_PATH)`);
  if (spec.homeReadOnly) {
    lines.push(
      `  note       node or nestclaw is under /home or /root; the user ${spec.serviceUser} must be able to read it there.`,
      '             Installing both under /opt or /usr/local is simpler.',
    );
  }
  return lines;
}

function nextSteps(spec: UnitSpec): string[] {
  const scope = spec.scope;
  const journal = scope === 'user' ? `journalctl --user -u ${UNIT_NAME} -f` : `journalctl -u ${UNIT_NAME} -f`;
  const lines = ['next:'];
  if (scope === 'system') {
    lines.push(
      `  id ${spec.serviceUser} >/dev/null 2>&1 || useradd --system --home-dir ${spec.stateDir} --no-create-home --shell /usr/sbin/nologin ${spec.serviceUser}`,
    );
  }
  lines.push(`  ${systemctlCommand(scope, 'daemon-reload')} && ${systemctlCommand(scope, 'enable', '--now', UNIT_NAME)}`);
  if (scope === 'user') lines.push('  loginctl enable-linger "$USER"    # keep it running while you are logged out');
  lines.push(
    `  ${journal}`,
    scope === 'user' ? '  nestclaw status --deep' : `  sudo NESTCLAW_STATE_DIR=${spec.stateDir} nestclaw status --deep`,
  );
  return lines;
}

export async function uninstallCommand(options: ScopeOptions): Promise<void> {
  const scope = detectScope(options);
  const target = unitPath(scope);
  if (!fs.existsSync(target)) {
    return fail(`no ${UNIT_FILE} in ${path.dirname(target)}: nothing to uninstall`, ExitCode.Failed);
  }
  try {
    // What `systemctl disable` does on disk; systemctl itself refuses once the unit file is gone.
    const removedLinks = removeWantsLinks(path.dirname(target));
    fs.rmSync(target);
    printLines([
      `removed ${target}`,
      ...removedLinks.map((link) => `removed ${link}`),
      'the secrets file and the state directory are left in place.',
      'next: stop the running service and let systemd forget the unit:',
      `  ${systemctlCommand(scope, 'stop', UNIT_NAME)}; ${systemctlCommand(scope, 'daemon-reload')}`,
    ]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return fail(`not allowed to remove ${target}${scope === 'system' ? ': run it with sudo' : ''}`, ExitCode.Failed);
    }
    throw error;
  }
}

/** What `systemctl disable` does on disk; systemctl itself refuses once the unit file is gone. */
export function removeWantsLinks(dir: string, unitFile = UNIT_FILE): string[] {
  const removed: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/\.(wants|requires)$/.test(entry.name)) continue;
    const link = path.join(dir, entry.name, unitFile);
    if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
      fs.rmSync(link);
      removed.push(link);
    }
  }
  return removed;
}

export async function systemctlCommandFor(action: 'restart' | 'stop', options: ScopeOptions): Promise<void> {
  const scope = detectScope(options);
  const target = unitPath(scope);
  if (!fs.existsSync(target)) {
    return fail(
      `no ${UNIT_FILE} in ${path.dirname(target)}: install it with \`nestclaw gateway install${scope === 'system' ? ' --system' : ''}\`, ` +
        'or stop a gateway running in a terminal with Ctrl-C',
      ExitCode.Failed,
    );
  }
  const program = systemctlProgram();
  const args = systemctlArgs(scope, action, UNIT_NAME);
  const result = spawnSync(program, args, { stdio: 'inherit' });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return fail(
      `cannot run ${program} (${code ?? result.error.message}): is this a systemd host? Run \`${systemctlCommand(scope, action, UNIT_NAME)}\` yourself`,
      ExitCode.Failed,
    );
  }
  if (result.status !== 0) {
    return fail(
      `\`${systemctlCommand(scope, action, UNIT_NAME)}\` failed (exit ${result.status ?? result.signal}); see \`${scope === 'user' ? 'journalctl --user' : 'journalctl'} -u ${UNIT_NAME}\``,
      ExitCode.Failed,
    );
  }
  console.log(`${action === 'stop' ? 'stopped' : 'restarted'} ${UNIT_NAME} (${systemctlCommand(scope, action, UNIT_NAME)})`);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function fail(message: string, code: number): void {
  process.stderr.write(`nestclaw: ${message}\n`);
  process.exitCode = code;
}
