import type { ParseResult, SshTarget } from './ssh-target';

export interface SshTunnelSpec {
  target: SshTarget;
  localPort: number;
  remotePort: number;
  identity?: string;
  /** Extra `-o Key=Value` options, e.g. `StrictHostKeyChecking=accept-new`. */
  sshOptions?: readonly string[];
}

/**
 * Options the tunnel depends on: without BatchMode ssh could wait forever on a
 * password or host-key prompt nobody sees; without ExitOnForwardFailure it
 * would stay connected with no forward; a shared ControlMaster connection
 * would let the forward outlive (or never belong to) the ssh we supervise.
 */
const FORCED_OPTIONS: Readonly<Record<string, string>> = {
  BatchMode: 'yes',
  ExitOnForwardFailure: 'yes',
  ControlMaster: 'no',
  ControlPath: 'none',
};

/** Defaults a user may override with their own `-o` (for ssh the first value given wins). */
const DEFAULT_OPTIONS: Readonly<Record<string, string>> = {
  ServerAliveInterval: '15',
  ServerAliveCountMax: '3',
  // Without it an unreachable host blocks for the TCP timeout (minutes) before a retry.
  ConnectTimeout: '15',
};

/** Options that would change what the tunnel is, or break its supervision. */
const REFUSED_OPTIONS = new Set(
  [
    ...Object.keys(FORCED_OPTIONS),
    'LocalForward',
    'RemoteForward',
    'DynamicForward',
    'ControlPersist',
    'RemoteCommand',
    'RequestTTY',
    'PermitLocalCommand',
    'LocalCommand',
    'ProxyUseFdpass',
  ].map((key) => key.toLowerCase()),
);

/** Checks one user-given ssh option (`Key=Value`) and returns it normalised. */
export function parseSshOption(text: string): ParseResult<string> {
  const match = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=|\s)\s*(\S.*?)\s*$/.exec(text);
  if (!match) {
    return {
      ok: false,
      error: `--ssh-option ${JSON.stringify(text)} is not Key=Value (for example StrictHostKeyChecking=accept-new)`,
    };
  }
  const [, key, value] = match;
  if (REFUSED_OPTIONS.has(key.toLowerCase())) {
    return {
      ok: false,
      error: `--ssh-option ${key} cannot be changed: the managed tunnel sets it itself (or does not support it)`,
    };
  }
  return { ok: true, value: `${key}=${value}` };
}

/** The argument list for the system `ssh`. */
export function buildSshArgs(spec: SshTunnelSpec): string[] {
  const args = ['-N'];
  const option = (key: string, value: string) => args.push('-o', `${key}=${value}`);
  for (const [key, value] of Object.entries(FORCED_OPTIONS)) option(key, value);
  // User options come before our defaults so theirs win.
  for (const given of spec.sshOptions ?? []) args.push('-o', given);
  for (const [key, value] of Object.entries(DEFAULT_OPTIONS)) option(key, value);
  if (spec.identity !== undefined) {
    // Only the named key: otherwise agent keys go first and may use up the server's MaxAuthTries.
    args.push('-i', spec.identity);
    option('IdentitiesOnly', 'yes');
  }
  if (spec.target.port !== undefined) args.push('-p', String(spec.target.port));
  // An explicit 127.0.0.1 bind: with none, ssh also listens on ::1 and carries on when only one of the two binds works.
  args.push('-L', `127.0.0.1:${spec.localPort}:127.0.0.1:${spec.remotePort}`);
  args.push('--', spec.target.destination);
  return args;
}
