import { spawn } from 'node:child_process';

export interface SshExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when ssh could not be started at all (ENOENT: not installed). */
  error?: NodeJS.ErrnoException;
}

/** The running ssh as the tunnel sees it; a fake in unit tests. */
export interface SshProcess {
  readonly pid?: number;
  onStderr(listener: (text: string) => void): void;
  /** Called once, after ssh has exited and its stderr is read to the end. */
  onExit(listener: (exit: SshExit) => void): void;
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnSshOptions {
  /**
   * Run ssh in its own process group, so a terminal's Ctrl-C reaches only the
   * supervisor, which then stops ssh itself instead of seeing it die and
   * restarting it. The supervisor must then handle SIGINT/SIGTERM; ssh is
   * also killed when this process exits.
   */
  detached?: boolean;
  command?: string;
}

export function spawnSystemSsh(args: readonly string[], options: SpawnSshOptions = {}): SshProcess {
  const child = spawn(options.command ?? 'ssh', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.detached ?? false,
  });
  let exit: SshExit | undefined;
  const exitListeners: Array<(exit: SshExit) => void> = [];
  const killOnExit = () => child.kill('SIGTERM');
  if (options.detached) process.on('exit', killOnExit);
  const finish = (result: SshExit) => {
    if (exit) return;
    exit = result;
    process.off('exit', killOnExit);
    exitListeners.forEach((listener) => listener(result));
  };
  child.stderr!.setEncoding('utf8');
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (child.pid === undefined) finish({ code: null, signal: null, error });
  });
  // 'close' rather than 'exit': by then all of stderr has been read.
  child.on('close', (code, signal) => finish({ code, signal }));
  return {
    pid: child.pid,
    onStderr: (listener) => child.stderr!.on('data', listener),
    onExit: (listener) => (exit ? listener(exit) : exitListeners.push(listener)),
    kill: (signal) => {
      if (!exit) child.kill(signal);
    },
  };
}
