/** The systemd unit `nestclaw gateway install` writes; pure, so it is tested as text. */

export const UNIT_NAME = 'nestclaw-gateway';
export const UNIT_FILE = `${UNIT_NAME}.service`;
/** --system: systemd creates /var/lib/nestclaw for User= with StateDirectory=. */
export const SYSTEM_STATE_DIR = '/var/lib/nestclaw';
export const DEFAULT_SERVICE_USER = 'nestclaw';

export type UnitScope = 'user' | 'system';

export interface UnitSpec {
  scope: UnitScope;
  /** Absolute path of the node binary (process.execPath at install time). */
  nodePath: string;
  /** Absolute path of bin/nestclaw. */
  cliPath: string;
  workingDirectory: string;
  stateDir: string;
  /** Only when it is not <stateDir>/nestclaw.json. */
  configPath?: string;
  envFile: string;
  /** --system only. */
  serviceUser?: string;
  /** `--profile NAME`: passed on to `gateway run`, and named in the description. */
  profile?: string;
  /** --system: the service user cannot see /home and /root with ProtectHome=true; read-only lets it read node and nestclaw there. */
  homeReadOnly?: boolean;
}

/** `%` starts a specifier everywhere in a unit file. */
function escapeSpecifiers(value: string): string {
  return value.replace(/%/g, '%%');
}

/** One ExecStart= word: `$` would expand a variable, whitespace would split it. */
export function execArg(value: string): string {
  const escaped = escapeSpecifiers(value).replace(/\$/g, '$$$$');
  if (!/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Environment=KEY=value, quoted when the value needs it. */
export function environmentLine(key: string, value: string): string {
  const assignment = `${key}=${escapeSpecifiers(value)}`;
  if (!/[\s"'\\]/.test(assignment)) return `Environment=${assignment}`;
  return `Environment="${assignment.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Paths with a newline cannot be written into a unit at all. */
export function unwritablePath(spec: UnitSpec): string | undefined {
  const paths = [spec.nodePath, spec.cliPath, spec.workingDirectory, spec.stateDir, spec.envFile, spec.configPath ?? ''];
  return paths.find((p) => /[\n\r]/.test(p));
}

export function renderUnit(spec: UnitSpec): string {
  const system = spec.scope === 'system';
  const lines = [
    `# Written by \`nestclaw${spec.profile ? ` --profile ${spec.profile}` : ''} gateway install${system ? ' --system' : ''}\`. Run it again (with --force) after moving node or nestclaw.`,
    '# Secrets do not belong in this file (units are world-readable and show in `systemctl show`):',
    `# put them in ${spec.envFile} (mode 0600), one KEY=value per line, e.g. NESTCLAW_GATEWAY_TOKEN=...`,
    '',
    '[Unit]',
    `Description=nestclaw gateway (personal AI assistant)${spec.profile ? `, profile ${spec.profile}` : ''}`,
    ...(system ? ['Wants=network-online.target', 'After=network-online.target'] : []),
    '# Stop retrying after 5 failed starts within 5 minutes (e.g. a start-up refusal).',
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    ...(system ? [`User=${spec.serviceUser}`, `Group=${spec.serviceUser}`] : []),
    `WorkingDirectory=${escapeSpecifiers(spec.workingDirectory)}`,
    environmentLine('NODE_ENV', 'production'),
    environmentLine('NESTCLAW_STATE_DIR', spec.stateDir),
    ...(spec.configPath ? [environmentLine('NESTCLAW_CONFIG_PATH', spec.configPath)] : []),
    '# "-": a missing file is not an error. systemd reads it before dropping privileges.',
    `EnvironmentFile=-${escapeSpecifiers(spec.envFile)}`,
    `ExecStart=${[spec.nodePath, spec.cliPath, ...(spec.profile ? ['--profile', spec.profile] : []), 'gateway', 'run'].map(execArg).join(' ')}`,
    '# On SIGTERM the gateway tells clients it is stopping and exits 0 within a second or two.',
    'KillSignal=SIGTERM',
    'KillMode=mixed',
    'TimeoutStopSec=20',
    'Restart=on-failure',
    'RestartSec=5',
    '# Exit code 3 means invalid configuration: restarting cannot fix it.',
    'RestartPreventExitStatus=3',
    'UMask=0077',
    'NoNewPrivileges=true',
    ...(system ? systemHardening(spec) : []),
    '',
    '[Install]',
    `WantedBy=${system ? 'multi-user.target' : 'default.target'}`,
    '',
  ];
  return lines.join('\n');
}

function systemHardening(spec: UnitSpec): string[] {
  return [
    `# ${spec.stateDir}, created and owned by User= with mode 0700.`,
    `StateDirectory=${spec.stateDir.replace(/^\/var\/lib\//, '')}`,
    'StateDirectoryMode=0700',
    "# Do not add MemoryDenyWriteExecute=: V8's JIT needs writable+executable memory.",
    'ProtectSystem=strict',
    ...(spec.homeReadOnly
      ? ['# node or nestclaw lives under /home or /root: the service may read there, never write.', 'ProtectHome=read-only']
      : ['ProtectHome=true']),
    'PrivateTmp=true',
    'PrivateDevices=true',
    `ReadWritePaths=${escapeSpecifiers(spec.stateDir)}`,
    'ProtectKernelTunables=true',
    'ProtectKernelModules=true',
    'ProtectControlGroups=true',
    'RestrictSUIDSGID=true',
    'LockPersonality=true',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
  ];
}

/** systemctl arguments for a scope. */
export function systemctlArgs(scope: UnitScope, ...args: string[]): string[] {
  return scope === 'user' ? ['--user', ...args] : args;
}

/** The command line a person types, for messages. */
export function systemctlCommand(scope: UnitScope, ...args: string[]): string {
  return ['systemctl', ...systemctlArgs(scope, ...args)].join(' ');
}
