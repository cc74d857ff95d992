import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTimeout } from './ws-test-client';
import { freePort } from './free-port';

export { freePort };

export interface SshServer {
  port: number;
  /** The user to log in as: whoever runs the tests (sshd cannot switch users unless root). */
  user: string;
  /** A key listed in authorized_keys. */
  clientKey: string;
  /** A valid key that is not. */
  wrongKey: string;
  dir: string;
  /** Everything sshd wrote, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

/** The sshd binary, or undefined when OpenSSH's server is not installed. */
export function findSshd(): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v sshd'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (found) return found;
  } catch {
    // not on PATH; Debian keeps it in /usr/sbin, which a non-root PATH often lacks
  }
  return ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((candidate) => fs.existsSync(candidate));
}

/** A real OpenSSH server on 127.0.0.1 with throwaway host and client keys, key logins only. */
export async function startSshServer(sshd: string): Promise<SshServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-sshd-'));
  const key = (name: string) => {
    const file = path.join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `nestclaw-test-${name}`, '-f', file], { stdio: 'ignore' });
    return file;
  };
  const hostKey = key('host_key');
  const clientKey = key('client_key');
  const wrongKey = key('wrong_key');
  fs.copyFileSync(`${clientKey}.pub`, path.join(dir, 'authorized_keys'));

  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      '',
    ].join('\n'),
  );
  // As root, Debian's sshd refuses to start without its privilege separation directory.
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const check = () => (output.includes('Server listening on') ? resolve() : undefined);
        child.stderr!.on('data', check);
        child.on('error', reject);
        void exited.then(() => reject(new Error(`sshd exited at start-up:\n${output}`)));
      }),
      10_000,
      'sshd to listen',
    );
  } catch (error) {
    await stop(child, exited);
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    port,
    user: os.userInfo().username,
    clientKey,
    wrongKey,
    dir,
    log: () => output,
    close: async () => {
      await stop(child, exited);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
