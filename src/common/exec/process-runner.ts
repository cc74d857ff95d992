import { spawn } from 'node:child_process';

export interface ProcessSpec {
  /** The executable to start (already resolved). */
  file: string;
  /** The full argv; argv[0] is what the program sees as its name. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Per stream; output past it is read and dropped. */
  maxOutputBytes: number;
  /** Between SIGTERM and SIGKILL on timeout or abort. */
  killGraceMs?: number;
  signal?: AbortSignal;
}

export interface ProcessOutcome {
  /** null when a signal ended the process (see `signal`) or it never started. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: { stdout: boolean; stderr: boolean };
  /** errno code when the process could not be started (ENOENT, EACCES...). */
  spawnError?: string;
}

export type ProcessRunner = (spec: ProcessSpec) => Promise<ProcessOutcome>;

const DEFAULT_KILL_GRACE_MS = 1_000;
/** After the process exits, how long descendants that kept its pipes open may hold them. */
const PIPE_DRAIN_MS = 500;

/** Collects a stream up to a byte cap, then keeps reading so the writer never blocks on a full pipe. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

/**
 * Runs argv directly (no shell) in its own process group, so a timeout can
 * kill the command together with everything it started.
 */
export const runProcess: ProcessRunner = (spec) =>
  new Promise((resolve) => {
    const stdout = new CappedBuffer(spec.maxOutputBytes);
    const stderr = new CappedBuffer(spec.maxOutputBytes);
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(spec.file, spec.argv.slice(1), {
      argv0: spec.argv[0],
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });

    const finish = (outcome: Pick<ProcessOutcome, 'exitCode' | 'signal' | 'spawnError'>) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      spec.signal?.removeEventListener('abort', onAbort);
      resolve({
        ...outcome,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        truncated: { stdout: stdout.truncated, stderr: stderr.truncated },
      });
    };

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        // The negative pid addresses the whole group the child leads.
        process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const terminate = () => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS));
    };
    const onAbort = () => terminate();

    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish({ exitCode: null, signal: null, spawnError: error.code ?? 'EUNKNOWN' });
    });
    child.on('exit', (code, signal) => {
      // A background descendant may keep stdout open for ever; stop waiting for it after a moment.
      timers.push(
        setTimeout(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
          finish({ exitCode: code, signal });
        }, PIPE_DRAIN_MS),
      );
    });
    child.on('close', (code, signal) => finish({ exitCode: code, signal }));

    if (child.pid === undefined) return;
    timers.push(
      setTimeout(() => {
        timedOut = true;
        terminate();
      }, spec.timeoutMs),
    );
    if (spec.signal?.aborted) terminate();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
  });
