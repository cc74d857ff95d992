import { Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';

/** Which Tailscale feature publishes the gateway: Serve (tailnet only) or Funnel (public internet). */
export type ExposureKind = 'serve' | 'funnel';

export interface TailscaleStatus {
  /** tailscaled's BackendState: "Running" once logged in and connected; "NeedsLogin", "Stopped", … otherwise. */
  backendState: string;
  /** This machine's MagicDNS name without the trailing dot, e.g. "gateway.tail1234.ts.net". */
  dnsName?: string;
}

export type TailscaleCliFailure = 'not-installed' | 'timeout' | 'failed';

/** A `tailscale` invocation that did not succeed; `output` is what the CLI printed, for hints, never for clients. */
export class TailscaleCliError extends Error {
  override name = 'TailscaleCliError';

  constructor(
    readonly kind: TailscaleCliFailure,
    readonly output: string,
  ) {
    super(`tailscale ${kind}`);
  }
}

/** Serve and Funnel both configure the one HTTPS listener on port 443 of this machine's MagicDNS name. */
export const EXPOSED_HTTPS_PORT = 443;

export const TAILSCALE_TIMEOUTS_MS = {
  status: 5_000,
  /** `serve`/`funnel --bg` return once the config is written, but wait (and so time out) when Serve is not enabled for the tailnet. */
  expose: 15_000,
  reset: 5_000,
  /** On every connect that relies on Tailscale identity, so short. */
  whois: 3_000,
} as const;

const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * The `tailscale` command found on PATH, run without a shell and with a
 * timeout. Argument lists are fixed here; the only outside value passed on
 * is a client IP that must parse as an address.
 */
@Injectable()
export class TailscaleCli {
  async status(): Promise<TailscaleStatus> {
    return parseStatus(await this.run(['status', '--json'], TAILSCALE_TIMEOUTS_MS.status));
  }

  /** `tailscale serve|funnel --bg --https=443 <target>`: persistent until reset, also across tailscaled restarts. */
  async expose(kind: ExposureKind, target: string): Promise<string> {
    return this.run([kind, '--bg', `--https=${EXPOSED_HTTPS_PORT}`, target], TAILSCALE_TIMEOUTS_MS.expose);
  }

  /** Removes only the port-443 handler this gateway set up; other Serve/Funnel config of the machine stays. */
  async reset(kind: ExposureKind): Promise<void> {
    await this.run([kind, `--https=${EXPOSED_HTTPS_PORT}`, 'off'], TAILSCALE_TIMEOUTS_MS.reset);
  }

  /** The login of the tailnet user owning the node at `ip`; undefined for tagged nodes or a peer without a user. */
  async whois(ip: string): Promise<string | undefined> {
    if (isIP(ip) === 0) throw new TailscaleCliError('failed', 'not an IP address');
    return parseWhoisLogin(await this.run(['whois', '--json', ip], TAILSCALE_TIMEOUTS_MS.whois));
  }

  private run(args: string[], timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'tailscale',
        args,
        // env given explicitly: PATH is searched in the process.env object this code sees, even where it was
        // swapped for a copy (a test sandbox putting a fake tailscale first), not in the one Node started with.
        { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8', env: process.env },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const output = `${stderr}\n${stdout}`.trim();
          const failure = error as NodeJS.ErrnoException & { killed?: boolean };
          if (failure.code === 'ENOENT') reject(new TailscaleCliError('not-installed', output));
          else if (failure.killed) reject(new TailscaleCliError('timeout', output));
          else reject(new TailscaleCliError('failed', output));
        },
      );
    });
  }
}

export function parseStatus(json: string): TailscaleStatus {
  const status = parseObject(json);
  const self = status.Self as Record<string, unknown> | undefined;
  const dnsName = typeof self?.DNSName === 'string' ? self.DNSName.replace(/\.$/, '') : '';
  return {
    backendState: typeof status.BackendState === 'string' ? status.BackendState : 'unknown',
    ...(dnsName ? { dnsName } : {}),
  };
}

/** Tagged nodes report the pseudo-user "tagged-devices"; Serve never sends identity headers for them, so it is no identity. */
export function parseWhoisLogin(json: string): string | undefined {
  const whois = parseObject(json);
  const profile = whois.UserProfile as Record<string, unknown> | undefined;
  const login = profile?.LoginName;
  if (typeof login !== 'string' || login === '' || login === 'tagged-devices') return undefined;
  return login;
}

function parseObject(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TailscaleCliError('failed', 'the tailscale CLI printed something other than JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TailscaleCliError('failed', 'the tailscale CLI printed JSON of an unexpected shape');
  }
  return value as Record<string, unknown>;
}
