import type { SshTunnelSpec } from './ssh-args';
import { formatSshTarget } from './ssh-target';

export type SshFailureKind =
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'identity-unusable'
  | 'ssh-config'
  | 'ssh-missing'
  | 'forwarding-refused'
  | 'local-port-in-use'
  | 'local-port-denied'
  | 'connection-refused'
  | 'unreachable'
  | 'connection-lost'
  | 'remote-port-closed'
  | 'gateway-not-answering'
  | 'unknown';

export interface SshFailure {
  kind: SshFailureKind;
  /** One line: what went wrong. */
  message: string;
  /** How to fix it, when there is something to do. */
  fix?: string;
}

/**
 * Failures that retrying cannot heal: they need the user to change a key, a
 * known_hosts entry, a flag or the server's config. Retrying an auth failure
 * would also count against fail2ban-style limits on the server.
 */
const FATAL: ReadonlySet<SshFailureKind> = new Set<SshFailureKind>([
  'auth',
  'host-key-unknown',
  'host-key-changed',
  'identity-unusable',
  'ssh-config',
  'ssh-missing',
  'forwarding-refused',
  'local-port-denied',
]);

export function isFatal(kind: SshFailureKind): boolean {
  return FATAL.has(kind);
}

/** Turns what ssh wrote on stderr into one clear message and a fix. */
export function diagnoseSshStderr(stderr: string, spec: SshTunnelSpec): SshFailure | undefined {
  const where = formatSshTarget(spec.target);
  const port = spec.target.port ?? 22;
  const portFlag = spec.target.port === undefined ? '' : ` -p ${spec.target.port}`;
  const knownHostsName = port === 22 ? spec.target.host : `[${spec.target.host}]:${port}`;

  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    return {
      kind: 'host-key-changed',
      message: `the host key of ${knownHostsName} is not the one in known_hosts: either the server was reinstalled or someone is in the middle`,
      fix: `check the new key's fingerprint with the server's owner; only if it is right, remove the old entry with \`ssh-keygen -R "${knownHostsName}"\` and connect once with \`ssh${portFlag} ${spec.target.destination}\` to accept the new one`,
    };
  }
  if (/Host key verification failed/.test(stderr)) {
    return {
      kind: 'host-key-unknown',
      message: `the host key of ${knownHostsName} is not in your known_hosts, and the tunnel cannot ask you to accept it`,
      fix: `connect once with \`ssh${portFlag} ${spec.target.destination}\` and accept the key after checking its fingerprint, or pass \`--ssh-option StrictHostKeyChecking=accept-new\` to trust it on first use`,
    };
  }
  const unprotected = /Permissions \d+ for '([^']+)' are too open/.exec(stderr);
  if (unprotected) {
    return {
      kind: 'identity-unusable',
      message: `ssh ignored the key ${unprotected[1]} because other users can read it`,
      fix: `run \`chmod 600 ${unprotected[1]}\``,
    };
  }
  const denied = /Permission denied \(([^)]*)\)/.exec(stderr);
  if (denied) return authFailure(stderr, denied[1], spec, where, portFlag);
  if (/Bad configuration option|command-line: line \d+:|Bad owner or permissions on|unsupported option/i.test(stderr)) {
    return {
      kind: 'ssh-config',
      message: `ssh refused its options: ${lastLine(stderr)}`,
      fix: 'correct the --ssh-option value or your ~/.ssh/config',
    };
  }
  if (/administratively prohibited/.test(stderr)) {
    return {
      kind: 'forwarding-refused',
      message: `the SSH server on ${where} does not allow port forwarding`,
      fix: "set `AllowTcpForwarding yes` (or `local`) for this user in the server's sshd_config and reload sshd",
    };
  }
  if (/Privileged ports can only be forwarded by root/.test(stderr)) {
    return {
      kind: 'local-port-denied',
      message: `local port ${spec.localPort} is below 1024, which only root may listen on`,
      fix: 'pick --local-port 1024 or higher',
    };
  }
  if (/cannot listen to port|Could not request local forwarding|bind \[[^\]]*\]:\d+: Address already in use/.test(stderr)) {
    return localPortInUse(spec.localPort);
  }
  if (/Connection refused/.test(stderr) && /connect to host/.test(stderr)) {
    return {
      kind: 'connection-refused',
      message: `nothing accepts SSH connections on ${spec.target.host} port ${port} (connection refused)`,
      fix: 'check that sshd runs on that host and that the port is right (user@host:port)',
    };
  }
  const unreachable =
    /Could not resolve hostname [^:]+: (.*)|connect to host \S+ port \d+: (Connection timed out|No route to host|Network is unreachable|.*)/.exec(
      stderr,
    );
  if (unreachable) {
    return {
      kind: 'unreachable',
      message: `cannot reach ${spec.target.host} port ${port} (${(unreachable[1] ?? unreachable[2]).trim()})`,
      fix: 'check the host name, the network connection and any firewall in between',
    };
  }
  if (/Timeout, server .* not responding|closed by remote host|Connection reset|Broken pipe|Connection closed by/.test(stderr)) {
    return { kind: 'connection-lost', message: `the SSH connection to ${where} was lost (${lastLine(stderr)})` };
  }
  if (/open failed: connect failed/.test(stderr)) return remotePortClosed(spec);
  return undefined;
}

export function localPortInUse(port: number, owner?: { name?: string; pid: number }): SshFailure {
  const by = owner ? ` by ${owner.name ?? 'a process'} (pid ${owner.pid})` : '';
  return {
    kind: 'local-port-in-use',
    message: `local port ${port} is already in use${by}`,
    fix: `stop that process or pick another port with --local-port${port === 18789 ? ' (a local gateway listens on 18789 by default)' : ''}`,
  };
}

export function remotePortClosed(spec: SshTunnelSpec): SshFailure {
  return {
    kind: 'remote-port-closed',
    message: `ssh is connected to ${formatSshTarget(spec.target)} but nothing listens on 127.0.0.1:${spec.remotePort} there`,
    fix: 'start the gateway on that host (`nestclaw gateway run`), or pass --remote-port with the port it listens on',
  };
}

function authFailure(stderr: string, methods: string, spec: SshTunnelSpec, where: string, portFlag: string): SshFailure {
  const tried = spec.identity
    ? `the key ${spec.identity}`
    : "ssh's default keys (~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa, …) and any key in ssh-agent";
  const unreadable = /Identity file (.+) not accessible: (.*?)\.?$/m.exec(stderr);
  if (unreadable) {
    return {
      kind: 'identity-unusable',
      message: `ssh could not read the identity file ${unreadable[1]} (${unreadable[2]})`,
      fix: 'pass --identity with the path of an existing private key',
    };
  }
  if (!methods.split(',').includes('publickey')) {
    return {
      kind: 'auth',
      message: `${where} accepts only ${methods || 'no'} logins, and the managed tunnel can only use keys`,
      fix: 'enable key logins (PubkeyAuthentication yes) on the server and add your public key to ~/.ssh/authorized_keys there',
    };
  }
  const publicKey = spec.identity ? `${spec.identity}.pub` : 'your public key';
  const copy = `ssh-copy-id${spec.identity ? ` -i ${spec.identity}` : ''}${portFlag} ${spec.target.destination}`;
  return {
    kind: 'auth',
    message: `${where} refused the login: tried ${tried}`,
    fix:
      `add ${publicKey} to ~/.ssh/authorized_keys of ${spec.target.user ?? 'that user'} on ${spec.target.host} (for example \`${copy}\`), ` +
      'or pass --identity with a key it accepts. The tunnel never prompts: load a passphrase-protected key into ssh-agent first',
  };
}

function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? 'no details';
}

/** A failure ssh's stderr did not explain: its exit status and last line. */
export function unexplainedExit(stderr: string, code: number | null, signal: string | null): SshFailure {
  const status = signal ? `killed by ${signal}` : `exit code ${code}`;
  const detail = stderr.trim() ? `: ${lastLine(stderr)}` : '';
  return { kind: 'unknown', message: `ssh stopped (${status})${detail}` };
}

export function describeFailure(failure: SshFailure): string {
  return failure.fix ? `${failure.message}\n  fix: ${failure.fix}` : failure.message;
}
