import { backoffDelay, BackoffOptions } from '../../common/client/backoff';
import { checkGatewayHandshake, GatewayCheckResult } from './gateway-check';
import { findPortOwner, isLocalPortInUse } from './port-owner';
import { buildSshArgs, SshTunnelSpec } from './ssh-args';
import { diagnoseSshStderr, isFatal, localPortInUse, SshFailure, SshFailureKind, unexplainedExit } from './ssh-diagnosis';
import { SpawnSshOptions, SshExit, SshProcess, spawnSystemSsh } from './ssh-process';

/** ssh reconnects cost a login on the server; start at a second rather than the client's half second. */
const TUNNEL_BACKOFF: BackoffOptions = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

export type TunnelState =
  | { state: 'starting'; attempt: number }
  | { state: 'up'; attempt: number; localUrl: string; pid?: number }
  | { state: 'down'; kind: SshFailureKind; reason: string; fix?: string; willRetry: boolean }
  | { state: 'restarting'; inMs: number; attempt: number }
  | { state: 'stopped'; failure?: SshFailure };

/** Every side effect of the tunnel, so unit tests can drive it with fakes. */
export interface SshTunnelDeps {
  spawnSsh(args: string[]): SshProcess;
  checkGateway(localPort: number, timeoutMs: number, signal: AbortSignal): Promise<GatewayCheckResult>;
  /** A failure when the local port is taken, before ssh is even started. */
  findLocalPortConflict(port: number): Promise<SshFailure | undefined>;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  random(): number;
}

export interface SshTunnelOptions extends SshTunnelSpec {
  backoff?: BackoffOptions;
  /** Restarts allowed after failures (default: no limit). 0 makes a one-shot tunnel. */
  maxRestarts?: number;
  /** How long ssh has to bring up a forward that answers the handshake. */
  readyTimeoutMs?: number;
  checkIntervalMs?: number;
  /** Up for this long counts as healthy again, and the backoff starts over. */
  stableAfterMs?: number;
  /** Grace before SIGKILL when stopping ssh. */
  killTimeoutMs?: number;
}

type AttemptOutcome = { failure: SshFailure; upForMs?: number } | typeof STOP;
type ReadyOutcome = { ok: true } | { ok: false; failure: SshFailure; kill: boolean } | typeof STOP;

const STOP = Symbol('stop');
const CHECK_TIMEOUT_MS = 5_000;
const STDERR_KEPT = 16_384;

/**
 * Supervises one `ssh -N -L` process: starts it, declares the tunnel up once
 * the gateway's handshake comes through it, and restarts ssh with capped,
 * jittered backoff whenever it dies, until stop() or a failure that only the
 * user can fix.
 */
export class SshTunnel {
  readonly localUrl: string;
  private readonly args: string[];
  private readonly listeners = new Set<(state: TunnelState) => void>();
  private readonly timers = new Set<unknown>();
  private readonly abort = new AbortController();
  private readonly stopSignal: Promise<typeof STOP>;
  private signalStop!: () => void;
  private stopRequested = false;
  private lastState?: TunnelState;
  private child?: { process: SshProcess; exited: Promise<SshExit>; killing?: Promise<SshExit> };
  private supervision?: Promise<void>;

  constructor(
    readonly options: SshTunnelOptions,
    private readonly deps: SshTunnelDeps = systemTunnelDeps(),
  ) {
    this.args = buildSshArgs(options);
    this.localUrl = `ws://127.0.0.1:${options.localPort}`;
    this.stopSignal = new Promise((resolve) => (this.signalStop = () => resolve(STOP)));
  }

  get state(): TunnelState | undefined {
    return this.lastState;
  }

  get sshArgs(): readonly string[] {
    return this.args;
  }

  /** Registers a listener for state changes; returns a function that removes it. */
  onState(listener: (state: TunnelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): this {
    if (this.supervision) throw new Error('this tunnel was already started');
    this.supervision = this.supervise().catch((error: unknown) =>
      this.finish({ kind: 'unknown', message: `the tunnel failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return this;
  }

  /** Kills ssh without restarting it; resolves once it has exited and `stopped` was emitted. */
  async stop(): Promise<void> {
    if (!this.supervision) return;
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.abort.abort();
      this.timers.forEach((handle) => this.deps.clearTimeout(handle));
      this.timers.clear();
      this.signalStop();
    }
    await this.supervision;
  }

  /** Resolves when the tunnel has stopped, by stop() or because it gave up. */
  async stopped(): Promise<void> {
    await this.supervision;
  }

  private async supervise(): Promise<void> {
    let failures = 0;
    let restarts = 0;
    let everUp = false;
    for (let attempt = 1; !this.stopRequested; attempt++) {
      this.emit({ state: 'starting', attempt });
      const outcome = await this.runAttempt(attempt);
      if (outcome === STOP || this.stopRequested) break;

      const { failure, upForMs } = outcome;
      everUp ||= upForMs !== undefined;
      if ((upForMs ?? 0) >= (this.options.stableAfterMs ?? 30_000)) failures = 0;
      failures++;
      // A port taken on the first start is a mistake to fix; taken later, whoever holds it may let go.
      const fatal = isFatal(failure.kind) || (failure.kind === 'local-port-in-use' && !everUp);
      const willRetry = !fatal && restarts < (this.options.maxRestarts ?? Infinity);
      this.emit({ state: 'down', kind: failure.kind, reason: failure.message, fix: failure.fix, willRetry });
      if (!willRetry) return this.finish(failure);

      const delay = backoffDelay(failures - 1, this.options.backoff ?? TUNNEL_BACKOFF, this.deps.random);
      this.emit({ state: 'restarting', inMs: delay, attempt: attempt + 1 });
      if ((await this.untilStop(this.sleep(delay))) === STOP) break;
      restarts++;
    }
    await this.killChild();
    this.finish();
  }

  private async runAttempt(attempt: number): Promise<AttemptOutcome> {
    const conflict = await this.untilStop(this.deps.findLocalPortConflict(this.options.localPort));
    if (conflict === STOP) return STOP;
    if (conflict) return { failure: conflict };

    const ssh = this.deps.spawnSsh(this.args);
    const log = { stderr: '' };
    ssh.onStderr((text) => (log.stderr = (log.stderr + text).slice(-STDERR_KEPT)));
    const exited = new Promise<SshExit>((resolve) => ssh.onExit(resolve));
    this.child = { process: ssh, exited };

    const ready = await this.waitReady(exited, log);
    if (ready === STOP) return STOP;
    if (!ready.ok) {
      if (ready.kill) await this.killChild();
      return { failure: ready.failure };
    }

    const upSince = this.deps.now();
    // Lines from before the tunnel was up say nothing about why it went down.
    log.stderr = '';
    this.emit({ state: 'up', attempt, localUrl: this.localUrl, pid: ssh.pid });
    const exit = await this.untilStop(exited);
    if (exit === STOP) return STOP;
    return { failure: this.exitFailure(exit, log.stderr), upForMs: this.deps.now() - upSince };
  }

  private async waitReady(exited: Promise<SshExit>, log: { stderr: string }): Promise<ReadyOutcome> {
    const timeoutMs = this.options.readyTimeoutMs ?? 20_000;
    const deadline = this.deps.now() + timeoutMs;
    let lastReason: string;
    for (;;) {
      const early = await this.untilStop(Promise.race([exited, this.sleep(this.options.checkIntervalMs ?? 250)]));
      if (early === STOP) return STOP;
      if (early) return { ok: false, failure: this.exitFailure(early, log.stderr), kill: false };

      const remaining = Math.max(1, deadline - this.deps.now());
      const check = this.deps.checkGateway(this.options.localPort, Math.min(remaining, CHECK_TIMEOUT_MS), this.abort.signal);
      const result = await this.untilStop(Promise.race([exited, check]));
      if (result === STOP) return STOP;
      if ('code' in result) return { ok: false, failure: this.exitFailure(result, log.stderr), kill: false };
      if (result.ok) return { ok: true };

      lastReason = result.reason;
      // ssh stays connected when the far end refuses the forwarded connection; only its stderr tells.
      const diagnosis = diagnoseSshStderr(log.stderr, this.options);
      if (diagnosis?.kind === 'remote-port-closed' || diagnosis?.kind === 'forwarding-refused') {
        return { ok: false, failure: diagnosis, kill: true };
      }
      if (this.deps.now() >= deadline) {
        return {
          ok: false,
          kill: true,
          failure: {
            kind: 'gateway-not-answering',
            message: `no gateway handshake came through the tunnel within ${Math.round(timeoutMs / 1000)} s (${lastReason})`,
            fix: 'check that --remote-port is the port the gateway listens on, on that host',
          },
        };
      }
    }
  }

  private exitFailure(exit: SshExit, stderr: string): SshFailure {
    if (exit.error?.code === 'ENOENT') {
      return {
        kind: 'ssh-missing',
        message: 'the ssh command was not found',
        fix: 'install the OpenSSH client (Debian/Ubuntu: apt-get install openssh-client) and make sure ssh is on PATH',
      };
    }
    if (exit.error) return { kind: 'unknown', message: `could not start ssh (${exit.error.code ?? exit.error.message})` };
    const diagnosis = diagnoseSshStderr(stderr, this.options);
    // A refused forwarded connection is logged but never ends ssh, so it cannot be why ssh ended.
    return diagnosis && diagnosis.kind !== 'remote-port-closed' ? diagnosis : unexplainedExit(stderr, exit.code, exit.signal);
  }

  private killChild(): Promise<SshExit | undefined> {
    const child = this.child;
    if (!child) return Promise.resolve(undefined);
    child.killing ??= new Promise<SshExit>((resolve) => {
      child.process.kill('SIGTERM');
      // Not in this.timers: stop() clears those, and this one must outlive it.
      const force = this.deps.setTimeout(() => child.process.kill('SIGKILL'), this.options.killTimeoutMs ?? 3_000);
      void child.exited.then((exit) => {
        this.deps.clearTimeout(force);
        resolve(exit);
      });
    });
    return child.killing;
  }

  private sleep(ms: number): Promise<undefined> {
    return new Promise((resolve) => {
      const handle = this.deps.setTimeout(() => {
        this.timers.delete(handle);
        resolve(undefined);
      }, ms);
      this.timers.add(handle);
    });
  }

  private untilStop<T>(promise: Promise<T>): Promise<T | typeof STOP> {
    return Promise.race([promise, this.stopSignal]);
  }

  private finish(failure?: SshFailure): void {
    if (this.lastState?.state === 'stopped') return;
    this.emit(failure ? { state: 'stopped', failure } : { state: 'stopped' });
  }

  private emit(state: TunnelState): void {
    this.lastState = state;
    this.listeners.forEach((listener) => listener(state));
  }
}

/** The real ssh, WebSocket check, port lookup and clock. */
export function systemTunnelDeps(spawnOptions: SpawnSshOptions = {}): SshTunnelDeps {
  return {
    spawnSsh: (args) => spawnSystemSsh(args, spawnOptions),
    checkGateway: checkGatewayHandshake,
    findLocalPortConflict,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: () => Date.now(),
    random: Math.random,
  };
}

export async function findLocalPortConflict(port: number): Promise<SshFailure | undefined> {
  // Anything other than "in use" (EACCES for a low port, say) is left to ssh to report.
  const inUse = await isLocalPortInUse(port).catch(() => false);
  if (!inUse) return undefined;
  return localPortInUse(port, await findPortOwner(port).catch(() => undefined));
}
