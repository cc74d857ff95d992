import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { TailscaleMode } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { EXPOSED_HTTPS_PORT, ExposureKind, TailscaleCli, TailscaleCliError } from './tailscale-cli.repository';
import { TailscaleProblems } from './tailscale.errors';

/**
 * - `off`: tailscale.mode is "off";
 * - `pending`: not started yet (the gateway is not listening yet);
 * - `active`: Serve/Funnel forwards https://<magicdns>/ to the gateway;
 * - `not-installed`, `not-running`, `logged-out`, `failed`: not exposed, see `problem`;
 * - `reset`: undone on shutdown (resetOnExit).
 */
export type TailscaleState = 'off' | 'pending' | 'active' | 'not-installed' | 'not-running' | 'logged-out' | 'failed' | 'reset';

export interface TailscaleExposure {
  mode: TailscaleMode;
  state: TailscaleState;
  /** `https://<magicdns>/`, set when active. */
  url?: string;
  /** Why it is not active and how to fix it; for the log and the start-up banner, not for clients. */
  problem?: string;
}

/** Where Serve/Funnel should forward to: the gateway's first loopback listener. */
export interface ExposureTarget {
  host: string;
  port: number;
  /** The gateway itself serves TLS (self-signed), so the proxy must speak https to it without verifying. */
  tls: boolean;
}

/**
 * Publishes the gateway with `tailscale serve` or `tailscale funnel` once it
 * listens, and undoes that on shutdown when resetOnExit is set. Trouble with
 * Tailscale never stops the gateway; it is logged with the fix.
 */
@Injectable()
export class TailscaleService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Tailscale');
  private exposure: TailscaleExposure;
  private configured?: ExposureKind;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly cli: TailscaleCli,
  ) {
    const mode = runtime.config.gateway.tailscale.mode;
    this.exposure = { mode, state: mode === 'off' ? 'off' : 'pending' };
  }

  /**
   * The login the local daemon knows for a tailnet address (undefined for a peer without a user).
   * Throws when the daemon cannot be asked; the caller treats that as "not verified".
   */
  whois(ip: string): Promise<string | undefined> {
    return this.cli.whois(ip);
  }

  /** The `tailscale` block of the `status` method. */
  summary(): { mode: TailscaleMode; state: TailscaleState; url?: string } {
    const { mode, state, url } = this.exposure;
    return url ? { mode, state, url } : { mode, state };
  }

  /**
   * Called by startGateway after listen: the port is only known then (port 0
   * in tests). Never throws.
   */
  async expose(target: ExposureTarget): Promise<TailscaleExposure> {
    const { mode } = this.exposure;
    if (mode === 'off') return this.exposure;
    if (mode === 'funnel' && this.runtime.config.gateway.auth.allowTailscale) {
      this.logger.warn(TailscaleProblems.identityIgnoredWithFunnel());
    }
    this.exposure = await this.tryExpose(mode, target);
    if (this.exposure.problem) this.logger.warn(this.exposure.problem);
    else this.logger.log(`${mode} active: ${this.exposure.url}`);
    return this.exposure;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const kind = this.configured;
    if (!kind || !this.runtime.config.gateway.tailscale.resetOnExit) return;
    this.configured = undefined;
    try {
      await this.cli.reset(kind);
      this.exposure = { mode: this.exposure.mode, state: 'reset' };
    } catch {
      this.logger.warn(TailscaleProblems.resetFailed(resetCommand(kind)));
    }
  }

  private async tryExpose(kind: ExposureKind, target: ExposureTarget): Promise<TailscaleExposure> {
    const problem = (state: TailscaleState, text: string): TailscaleExposure => ({ mode: kind, state, problem: text });
    let dnsName: string | undefined;
    try {
      const status = await this.cli.status();
      if (status.backendState !== 'Running') return problem('logged-out', TailscaleProblems.loggedOut(kind, status.backendState));
      dnsName = status.dnsName;
    } catch (error) {
      if (error instanceof TailscaleCliError && error.kind === 'not-installed') {
        return problem('not-installed', TailscaleProblems.notInstalled(kind));
      }
      return problem('not-running', TailscaleProblems.daemonUnreachable(kind));
    }
    if (!dnsName) return problem('failed', TailscaleProblems.noMagicDns(kind));

    const backend = proxyTarget(target);
    try {
      await this.cli.expose(kind, backend);
    } catch (error) {
      const failure = error instanceof TailscaleCliError ? error : new TailscaleCliError('failed', '');
      const command = exposeCommand(kind, backend);
      return problem('failed', TailscaleProblems.exposeFailed(kind, command, failure.output, failure.kind === 'timeout'));
    }
    this.configured = kind;
    return { mode: kind, state: 'active', url: `https://${dnsName}/` };
  }
}

export function proxyTarget({ host, port, tls }: ExposureTarget): string {
  const name = host.includes(':') ? `[${host}]` : host;
  // Serve's https+insecure:// skips verifying the gateway's self-signed certificate; the hop stays on loopback.
  return `${tls ? 'https+insecure' : 'http'}://${name}:${port}`;
}

function exposeCommand(kind: ExposureKind, backend: string): string {
  return `tailscale ${kind} --bg --https=${EXPOSED_HTTPS_PORT} ${backend}`;
}

function resetCommand(kind: ExposureKind): string {
  return `tailscale ${kind} --https=${EXPOSED_HTTPS_PORT} off`;
}
