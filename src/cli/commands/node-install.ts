import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeProfile, profileUnitName } from '../../common/config';
import { createSecretFileOnce, ensurePrivateDir } from '../../common/state';
import { EXEC_POLICIES } from '../../node-host/exec-policy-names';
import { ExitCode } from '../exit-codes';
import { printLines } from '../output';
import { loadCliConfig } from '../run-gateway-command';
import { systemctlCommand } from './gateway-install-unit';
import { cliPath, removeWantsLinks, unitDir } from './gateway-install';
import {
  NODE_ENV_FILE,
  NODE_PASSWORD_ENV,
  NODE_TLS_FINGERPRINT_ENV,
  NODE_TOKEN_ENV,
  NODE_URL_ENV,
  type NodeUnitSpec,
  renderNodeUnit,
} from './node-install-unit';
import { formatEnvValue, mergeEnvFile } from './onboard-env-file';

export interface NodeInstallOptions {
  url?: string;
  token?: string;
  password?: string;
  tlsFingerprint?: string;
  displayName?: string;
  exec: string;
  remotePolicy?: boolean;
  browser?: boolean;
  browserAllowUrl?: string[];
  dryRun?: boolean;
  force?: boolean;
}

const ENV_TEMPLATE = [
  '# The gateway this node host connects to, and its secret: keep this file mode 0600.',
  '# Loaded by the systemd unit from `nestclaw node install` (EnvironmentFile=).',
  '',
].join('\n');

/** Read once the CLI applied --profile (this module is imported when the command runs). */
const PROFILE = activeProfile(process.env);
const UNIT_NAME = profileUnitName('nestclaw-node', PROFILE);
const UNIT_FILE = `${UNIT_NAME}.service`;

/** `nestclaw node install`: a systemd user unit running `node run`, the URL and secret in a 0600 env file. */
export async function nodeInstallCommand(options: NodeInstallOptions): Promise<void> {
  if (!(EXEC_POLICIES as readonly string[]).includes(options.exec)) {
    return fail(`--exec must be one of ${EXEC_POLICIES.join(', ')}`, ExitCode.Usage);
  }
  if ((options.browserAllowUrl?.length ?? 0) > 0 && !options.browser) {
    return fail('--browser-allow-url applies only with --browser: add --browser, or leave the URLs out', ExitCode.Usage);
  }
  if (options.token !== undefined && options.password !== undefined)
    return fail('give --token or --password, not both', ExitCode.Usage);
  const config = loadCliConfig();
  const envFile = path.join(config.stateDir, NODE_ENV_FILE);
  const envExists = fs.existsSync(envFile);
  const secretGiven = options.token !== undefined || options.password !== undefined;
  if (options.url === undefined && !envExists) {
    return fail(
      `--url is required the first time (e.g. --url wss://gateway.example.net:18789 --token ...): ${envFile} does not exist yet`,
      ExitCode.Usage,
    );
  }
  if (options.url !== undefined && !secretGiven) {
    return fail(
      `--url ${options.url} needs --token or --password: the node host must prove itself to that gateway`,
      ExitCode.Usage,
    );
  }
  if (options.url !== undefined && !/^wss?:\/\//.test(options.url)) {
    return fail(`--url ${options.url} must start with ws:// or wss://`, ExitCode.Usage);
  }
  const envEntries: Record<string, string> = {};
  if (options.url !== undefined) {
    envEntries[NODE_URL_ENV] = options.url;
    if (options.token !== undefined) envEntries[NODE_TOKEN_ENV] = options.token;
    if (options.password !== undefined) envEntries[NODE_PASSWORD_ENV] = options.password;
    if (options.tlsFingerprint !== undefined) envEntries[NODE_TLS_FINGERPRINT_ENV] = options.tlsFingerprint;
  }
  try {
    Object.values(envEntries).forEach(formatEnvValue);
  } catch (error) {
    return fail((error as Error).message.replace('gateway.env', NODE_ENV_FILE), ExitCode.Usage);
  }

  const cli = cliPath();
  const spec: NodeUnitSpec = {
    unitName: UNIT_NAME,
    nodePath: process.execPath,
    cliPath: cli,
    workingDirectory: path.dirname(path.dirname(cli)),
    stateDir: config.stateDir,
    envFile,
    execPolicy: options.exec,
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
    remotePolicy: options.remotePolicy !== false,
    ...(options.browser ? { browser: true, browserAllowUrls: options.browserAllowUrl ?? [] } : {}),
    ...(PROFILE ? { profile: PROFILE } : {}),
  };
  const unitText = [spec.nodePath, spec.cliPath, spec.stateDir, spec.displayName ?? '', ...(spec.browserAllowUrls ?? [])];
  if (unitText.some((p) => /[\n\r]/.test(p))) {
    return fail(
      'a path, the display name or a --browser-allow-url contains a line break and cannot be written into a unit',
      ExitCode.Usage,
    );
  }
  const target = path.join(unitDir('user'), UNIT_FILE);
  const unit = renderNodeUnit(spec);
  const existing = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;

  if (options.dryRun) {
    printLines([
      'dry run: nothing was written',
      `${target}:`,
      ...unit
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
      `${envFile} (mode 0600) would hold ${Object.keys(envEntries).join(', ') || 'what it holds now'}`,
    ]);
    return;
  }
  if (existing !== undefined && existing !== unit && !options.force) {
    return fail(
      `${target} already exists and differs; run \`nestclaw node install --dry-run\` to compare, then again with --force to replace it (the old one is kept as ${UNIT_FILE}.bak)`,
      ExitCode.Usage,
    );
  }
  const lines: string[] = [];
  ensurePrivateDir(spec.stateDir);
  if (Object.keys(envEntries).length > 0) {
    if (!envExists) createSecretFileOnce(envFile, ENV_TEMPLATE);
    mergeEnvFile(envFile, envEntries);
    lines.push(`wrote the gateway URL and secret to ${envFile} (mode 0600)`);
  } else {
    if ((fs.statSync(envFile).mode & 0o077) !== 0) fs.chmodSync(envFile, 0o600);
    lines.push(`kept ${envFile}`);
  }
  if (existing === unit) {
    lines.push(`${target} is already installed and up to date`);
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (existing !== undefined) fs.writeFileSync(`${target}.bak`, existing, { mode: 0o644 });
    fs.writeFileSync(`${target}.tmp`, unit, { mode: 0o644 });
    fs.renameSync(`${target}.tmp`, target);
    lines.push(`wrote ${target}`);
  }
  printLines([
    ...lines,
    'next:',
    `  ${systemctlCommand('user', 'daemon-reload')} && ${systemctlCommand('user', 'enable', '--now', UNIT_NAME)}`,
    '  loginctl enable-linger "$USER"    # keep it running while you are logged out',
    `  journalctl --user -u ${UNIT_NAME} -f`,
  ]);
}

export async function nodeUninstallCommand(): Promise<void> {
  const dir = unitDir('user');
  const target = path.join(dir, UNIT_FILE);
  if (!fs.existsSync(target)) return fail(`no ${UNIT_FILE} in ${dir}: nothing to uninstall`, 1);
  const removed = removeWantsLinks(dir, UNIT_FILE);
  fs.rmSync(target);
  printLines([
    `removed ${target}`,
    ...removed.map((link) => `removed ${link}`),
    'the env file (URL and secret), the device identity and exec-approvals.json are left in place.',
    'next: stop the running service and let systemd forget the unit:',
    `  ${systemctlCommand('user', 'stop', UNIT_NAME)}; ${systemctlCommand('user', 'daemon-reload')}`,
  ]);
}

function fail(message: string, code: number): void {
  process.stderr.write(`nestclaw: ${message}\n`);
  process.exitCode = code;
}
