import { environmentLine, execArg } from './gateway-install-unit';

/** The systemd user unit `nestclaw node install` writes; pure, so it is tested as text. */
export interface NodeUnitSpec {
  unitName: string;
  nodePath: string;
  cliPath: string;
  workingDirectory: string;
  stateDir: string;
  /** <stateDir>/node.env, 0600: the gateway URL and its secret, never on a command line or in the unit. */
  envFile: string;
  execPolicy: string;
  displayName?: string;
  remotePolicy: boolean;
  /** Serve the gateway's browser routes with this machine's Chromium (`node run --browser`). */
  browser?: boolean;
  /** With browser: URLs on loopback or private addresses it may open. */
  browserAllowUrls?: string[];
  profile?: string;
}

export const NODE_ENV_FILE = 'node.env';
/** Read by `node run` when no --url is given, as a pair: the secret never goes to a URL it was not written with. */
export const NODE_URL_ENV = 'NESTCLAW_NODE_URL';
export const NODE_TOKEN_ENV = 'NESTCLAW_NODE_TOKEN';
export const NODE_PASSWORD_ENV = 'NESTCLAW_NODE_PASSWORD';
export const NODE_TLS_FINGERPRINT_ENV = 'NESTCLAW_NODE_TLS_FINGERPRINT';

export function nodeRunArgs(spec: NodeUnitSpec): string[] {
  return [
    ...(spec.profile ? ['--profile', spec.profile] : []),
    'node',
    'run',
    '--exec',
    spec.execPolicy,
    ...(spec.displayName !== undefined ? ['--display-name', spec.displayName] : []),
    ...(spec.remotePolicy ? [] : ['--no-remote-policy']),
    ...(spec.browser ? ['--browser', ...(spec.browserAllowUrls ?? []).flatMap((url) => ['--browser-allow-url', url])] : []),
  ];
}

export function renderNodeUnit(spec: NodeUnitSpec): string {
  const escapedEnvFile = spec.envFile.replace(/%/g, '%%');
  return [
    `# Written by \`nestclaw${spec.profile ? ` --profile ${spec.profile}` : ''} node install\`. Run it again (with --force) after moving node or nestclaw.`,
    `# The gateway URL and secret are in ${spec.envFile} (mode 0600), not here: units are world-readable.`,
    '',
    '[Unit]',
    `Description=nestclaw node host${spec.profile ? `, profile ${spec.profile}` : ''}`,
    'Wants=network-online.target',
    'After=network-online.target',
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${spec.workingDirectory.replace(/%/g, '%%')}`,
    environmentLine('NODE_ENV', 'production'),
    environmentLine('NESTCLAW_STATE_DIR', spec.stateDir),
    '# No "-": without this file the node has no gateway to connect to.',
    `EnvironmentFile=${escapedEnvFile}`,
    `ExecStart=${[spec.nodePath, spec.cliPath, ...nodeRunArgs(spec)].map(execArg).join(' ')}`,
    '# On SIGTERM the node host ends running commands, then its connection, and exits 0.',
    'KillSignal=SIGTERM',
    'KillMode=mixed',
    'TimeoutStopSec=20',
    '# The node host reconnects by itself; systemd restarts it only when it crashed.',
    'Restart=on-failure',
    'RestartSec=5',
    'RestartPreventExitStatus=3',
    'UMask=0077',
    'NoNewPrivileges=true',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
