import type { GatewayCheckResult } from '../../src/cli/tunnel/gateway-check';
import type { SshFailure } from '../../src/cli/tunnel/ssh-diagnosis';
import type { SshExit, SshProcess } from '../../src/cli/tunnel/ssh-process';
import type { SshTunnelDeps, TunnelState } from '../../src/cli/tunnel/ssh-tunnel';

/** An ssh process under the test's control. */
export class FakeSsh implements SshProcess {
  readonly signals: NodeJS.Signals[] = [];
  exit?: SshExit;
  /** When false, SIGTERM is ignored (only SIGKILL ends it). */
  honoursSigterm = true;
  private readonly stderrListeners: Array<(text: string) => void> = [];
  private readonly exitListeners: Array<(exit: SshExit) => void> = [];

  constructor(
    readonly args: string[],
    readonly pid: number,
  ) {}

  onStderr(listener: (text: string) => void): void {
    this.stderrListeners.push(listener);
  }

  onExit(listener: (exit: SshExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || this.honoursSigterm) this.end({ code: null, signal });
  }

  writeStderr(text: string): void {
    this.stderrListeners.forEach((listener) => listener(text));
  }

  end(exit: SshExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.exitListeners.forEach((listener) => listener(exit));
  }

  get running(): boolean {
    return !this.exit;
  }
}

export interface FakeWorld {
  deps: SshTunnelDeps;
  spawned: FakeSsh[];
  states: TunnelState[];
  /** What the handshake check answers; a function sees the current ssh. */
  gateway: (ssh: FakeSsh | undefined) => GatewayCheckResult;
  /** Returned by the local-port check before each spawn. */
  portConflict?: SshFailure;
  /** Called for each new ssh, e.g. to make it fail at once. */
  onSpawn?: (ssh: FakeSsh) => void;
  random: number;
}

/** Deps built on jest's fake timers: call jest.useFakeTimers() first. */
export function fakeWorld(): FakeWorld {
  const world: FakeWorld = {
    spawned: [],
    states: [],
    gateway: (ssh) => (ssh?.running ? { ok: true } : { ok: false, reason: 'ECONNREFUSED' }),
    // The top of the jitter range: delays come out exactly as the backoff ceiling.
    random: 1,
    deps: {
      spawnSsh: (args) => {
        const ssh = new FakeSsh(args, 1000 + world.spawned.length);
        world.spawned.push(ssh);
        // Like a real process, it acts only after the tunnel has attached its listeners.
        queueMicrotask(() => world.onSpawn?.(ssh));
        return ssh;
      },
      checkGateway: async () => world.gateway(world.spawned[world.spawned.length - 1]),
      findLocalPortConflict: async () => world.portConflict,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      now: () => Date.now(),
      random: () => world.random,
    },
  };
  return world;
}
