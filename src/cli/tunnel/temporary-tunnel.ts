import * as net from 'node:net';
import { describeFailure, SshFailure } from './ssh-diagnosis';
import { parseSshTarget, SshTarget } from './ssh-target';
import { SshTunnel, SshTunnelDeps, systemTunnelDeps } from './ssh-tunnel';

export interface TemporaryTunnelOptions {
  /** `user@host[:port]` or a parsed target. */
  target: string | SshTarget;
  remotePort: number;
  identity?: string;
  sshOptions?: readonly string[];
  /** How long ssh may take to connect and show the gateway's handshake (default 20 s). */
  timeoutMs?: number;
  deps?: SshTunnelDeps;
  pickLocalPort?: () => Promise<number>;
}

/** Why a tunnel could not be opened; `failure` has the kind, message and fix. */
export class TunnelError extends Error {
  override name = 'TunnelError';
  constructor(readonly failure: SshFailure) {
    super(describeFailure(failure));
  }
}

const PORT_RACE_TRIES = 3;

/**
 * Opens a tunnel on a free local port, waits until the gateway's handshake
 * comes through it, runs fn with the local ws:// URL and always closes the
 * tunnel afterwards. No restarts: a one-shot caller wants the first failure,
 * as a TunnelError, not a retry loop.
 */
export async function withTemporaryTunnel<T>(options: TemporaryTunnelOptions, fn: (localUrl: string) => Promise<T>): Promise<T> {
  const target = typeof options.target === 'string' ? parseTarget(options.target) : options.target;
  for (let tries = 1; ; tries++) {
    const localPort = await (options.pickLocalPort ?? pickFreeLocalPort)();
    const tunnel = new SshTunnel(
      {
        target,
        localPort,
        remotePort: options.remotePort,
        identity: options.identity,
        sshOptions: options.sshOptions,
        maxRestarts: 0,
        readyTimeoutMs: options.timeoutMs ?? 20_000,
      },
      options.deps ?? systemTunnelDeps(),
    );
    try {
      await startAndWaitUp(tunnel);
    } catch (error) {
      await tunnel.stop();
      // The port was free when picked; something may have taken it before ssh could.
      if (error instanceof TunnelError && error.failure.kind === 'local-port-in-use' && tries < PORT_RACE_TRIES) continue;
      throw error;
    }
    try {
      return await fn(tunnel.localUrl);
    } finally {
      await tunnel.stop();
    }
  }
}

/** Resolves once the tunnel is up; rejects with a TunnelError when it stops first. */
export function startAndWaitUp(tunnel: SshTunnel): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribe = tunnel.onState((state) => {
      if (state.state === 'up') {
        unsubscribe();
        resolve();
      } else if (state.state === 'stopped') {
        unsubscribe();
        reject(new TunnelError(state.failure ?? { kind: 'unknown', message: 'the tunnel was stopped before it came up' }));
      }
    });
    tunnel.start();
  });
}

export function pickFreeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function parseTarget(text: string): SshTarget {
  const parsed = parseSshTarget(text);
  if (!parsed.ok) throw new TunnelError({ kind: 'ssh-config', message: parsed.error });
  return parsed.value;
}
