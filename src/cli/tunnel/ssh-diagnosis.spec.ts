import type { SshTunnelSpec } from './ssh-args';
import { describeFailure, diagnoseSshStderr, isFatal, localPortInUse, unexplainedExit } from './ssh-diagnosis';

const spec: SshTunnelSpec = {
  target: { user: 'me', host: 'gw.example', port: 2222, destination: 'me@gw.example' },
  localPort: 18789,
  remotePort: 18790,
};

// Captured from OpenSSH 9.2 with the options the tunnel uses.
const CHANGED_KEY = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Offending ED25519 key in /home/me/.ssh/known_hosts:1
Host key for [gw.example]:2222 has changed and you have requested strict checking.
Host key verification failed.
`;
const UNPROTECTED_KEY = `@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
Permissions 0644 for '/home/me/.ssh/id_gw' are too open.
It is required that your private key files are NOT accessible by others.
This private key will be ignored.
Load key "/home/me/.ssh/id_gw": bad permissions
me@gw.example: Permission denied (publickey).
`;

describe('diagnoseSshStderr', () => {
  it.each([
    [
      'Host key verification failed.\n',
      'host-key-unknown',
      /not in your known_hosts/,
      /ssh -p 2222 me@gw\.example.*StrictHostKeyChecking=accept-new/,
    ],
    [
      CHANGED_KEY,
      'host-key-changed',
      /\[gw\.example\]:2222 is not the one in known_hosts/,
      /ssh-keygen -R "\[gw\.example\]:2222"/,
    ],
    [
      'me@gw.example: Permission denied (publickey).\n',
      'auth',
      /refused the login: tried ssh's default keys/,
      /ssh-copy-id -p 2222 me@gw\.example/,
    ],
    [
      'me@gw.example: Permission denied (password,keyboard-interactive).\n',
      'auth',
      /accepts only password,keyboard-interactive logins/,
      /PubkeyAuthentication/,
    ],
    [UNPROTECTED_KEY, 'identity-unusable', /ignored the key \/home\/me\/\.ssh\/id_gw/, /chmod 600 \/home\/me\/\.ssh\/id_gw/],
    ['command-line: line 0: Bad configuration option: foo\n', 'ssh-config', /Bad configuration option: foo/, /--ssh-option/],
    [
      'channel 1: open failed: administratively prohibited: open failed\n',
      'forwarding-refused',
      /does not allow port forwarding/,
      /AllowTcpForwarding/,
    ],
    [
      'bind [127.0.0.1]:18789: Address already in use\nchannel_setup_fwd_listener_tcpip: cannot listen to port: 18789\nCould not request local forwarding.\n',
      'local-port-in-use',
      /local port 18789 is already in use/,
      /--local-port/,
    ],
    ['Privileged ports can only be forwarded by root.\n', 'local-port-denied', /below 1024/, /--local-port/],
    [
      'ssh: connect to host gw.example port 2222: Connection refused\n',
      'connection-refused',
      /gw\.example port 2222 \(connection refused\)/,
      /sshd runs/,
    ],
    [
      'ssh: connect to host gw.example port 2222: Connection timed out\n',
      'unreachable',
      /cannot reach gw\.example port 2222 \(Connection timed out\)/,
      /firewall/,
    ],
    [
      'ssh: Could not resolve hostname gw.example: Name or service not known\n',
      'unreachable',
      /\(Name or service not known\)/,
      /host name/,
    ],
    [
      'Timeout, server gw.example not responding.\n',
      'connection-lost',
      /was lost \(Timeout, server gw\.example not responding\.\)/,
      undefined,
    ],
    [
      'channel 2: open failed: connect failed: Connection refused\n',
      'remote-port-closed',
      /nothing listens on 127\.0\.0\.1:18790/,
      /nestclaw gateway run/,
    ],
  ])('explains %j', (stderr, kind, message, fix) => {
    const failure = diagnoseSshStderr(stderr, spec)!;
    expect(failure.kind).toBe(kind);
    expect(failure.message).toMatch(message);
    if (fix) expect(failure.fix).toMatch(fix);
    else expect(failure.fix).toBeUndefined();
  });

  it('names the identity that was tried and its .pub file', () => {
    const failure = diagnoseSshStderr('me@gw.example: Permission denied (publickey).\n', { ...spec, identity: '/k/id_gw' })!;
    expect(failure.message).toContain('tried the key /k/id_gw');
    expect(failure.fix).toContain('add /k/id_gw.pub to ~/.ssh/authorized_keys of me on gw.example');
    expect(failure.fix).toContain('ssh-copy-id -i /k/id_gw -p 2222 me@gw.example');
  });

  it('tells a missing identity file from a refused key', () => {
    const stderr =
      'Warning: Identity file /k/nope not accessible: No such file or directory.\nme@gw.example: Permission denied (publickey).\n';
    expect(diagnoseSshStderr(stderr, { ...spec, identity: '/k/nope' })).toMatchObject({
      kind: 'identity-unusable',
      message: 'ssh could not read the identity file /k/nope (No such file or directory)',
    });
  });

  it('uses the bare host name in host-key hints on port 22', () => {
    const failure = diagnoseSshStderr(CHANGED_KEY, { ...spec, target: { host: 'gw', destination: 'gw' } })!;
    expect(failure.fix).toContain('ssh-keygen -R "gw"');
    expect(failure.fix).toContain('`ssh gw`');
  });

  it('returns undefined for noise it does not know', () => {
    expect(
      diagnoseSshStderr("Warning: Permanently added '[gw]:2222' (ED25519) to the list of known hosts.\n", spec),
    ).toBeUndefined();
  });
});

describe('isFatal', () => {
  it('stops on problems only the user can fix and retries network trouble', () => {
    expect(
      ['auth', 'host-key-unknown', 'host-key-changed', 'identity-unusable', 'ssh-missing'].every((k) => isFatal(k as never)),
    ).toBe(true);
    expect(
      ['connection-refused', 'unreachable', 'connection-lost', 'remote-port-closed', 'unknown'].some((k) => isFatal(k as never)),
    ).toBe(false);
  });
});

describe('localPortInUse', () => {
  it('names the process when it is known', () => {
    expect(localPortInUse(4000, { name: 'node', pid: 12 }).message).toBe('local port 4000 is already in use by node (pid 12)');
    expect(localPortInUse(4000).message).toBe('local port 4000 is already in use');
    expect(localPortInUse(18789).fix).toContain('a local gateway listens on 18789 by default');
  });
});

describe('unexplainedExit', () => {
  it('gives the exit status and the last line ssh wrote', () => {
    expect(unexplainedExit('debug\nsomething odd\n', 255, null).message).toBe('ssh stopped (exit code 255): something odd');
    expect(unexplainedExit('', null, 'SIGKILL').message).toBe('ssh stopped (killed by SIGKILL)');
  });
});

describe('describeFailure', () => {
  it('puts the fix on its own line', () => {
    expect(describeFailure({ kind: 'auth', message: 'refused', fix: 'add the key' })).toBe('refused\n  fix: add the key');
  });
});
