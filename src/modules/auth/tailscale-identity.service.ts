import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayRuntime } from '../config/gateway-runtime';
import { TailscaleService } from '../tailscale/tailscale.service';
import type { TailscaleClaim } from './tailscale-identity';

/** How long a whois answer is reused: long enough to absorb reconnect bursts, short enough to follow a node changing hands. */
export const WHOIS_CACHE_TTL_MS = 60_000;
const WHOIS_CACHE_MAX_ENTRIES = 1_000;

/**
 * Verifies Tailscale Serve identity claims with the local daemon. Only a
 * whois answer whose login equals the claimed one is an identity; a whois
 * failure or timeout is none, never an acceptance.
 */
@Injectable()
export class TailscaleIdentityService {
  /** Successful answers only (a login, or undefined for a peer without a user); failures are retried on the next connect. */
  private readonly cache = new Map<string, { login: string | undefined; expiresAtMs: number }>();
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly tailscale: TailscaleService,
    private readonly clock: Clock,
  ) {}

  /** allowTailscale, except with Funnel: public traffic shares that listener, and Funnel requires the password. */
  get enabled(): boolean {
    const { auth, tailscale } = this.runtime.config.gateway;
    return auth.allowTailscale && tailscale.mode !== 'funnel';
  }

  /** The verified login, or undefined. */
  async verify(claim: TailscaleClaim | undefined): Promise<string | undefined> {
    if (!claim || !this.enabled) return undefined;
    const login = await this.lookup(claim.clientIp);
    return login !== undefined && login === claim.login ? login : undefined;
  }

  private lookup(ip: string): Promise<string | undefined> {
    const now = this.clock.now();
    const cached = this.cache.get(ip);
    if (cached && cached.expiresAtMs > now) return Promise.resolve(cached.login);
    if (cached) this.cache.delete(ip);
    // Concurrent connects from one client share one whois.
    let pending = this.inFlight.get(ip);
    if (!pending) {
      pending = this.tailscale
        .whois(ip)
        .then(
          (login) => {
            this.remember(ip, login);
            return login;
          },
          () => undefined,
        )
        .finally(() => this.inFlight.delete(ip));
      this.inFlight.set(ip, pending);
    }
    return pending;
  }

  private remember(ip: string, login: string | undefined): void {
    this.cache.set(ip, { login, expiresAtMs: this.clock.now() + WHOIS_CACHE_TTL_MS });
    if (this.cache.size > WHOIS_CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }
}
