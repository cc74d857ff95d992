import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';

export const AUTH_FAILURE_LIMIT = 10;
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Bounds memory under an address-spraying attack; the oldest addresses are forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Failed handshakes per client address, loopback included: a web page in the
 * user's own browser or a Funnel visitor must not be able to guess a token.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Milliseconds until this address may try again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const recent = this.recentFailures(address);
    if (recent.length < AUTH_FAILURE_LIMIT) return 0;
    return Math.max(1, recent[recent.length - AUTH_FAILURE_LIMIT] + AUTH_FAILURE_WINDOW_MS - this.clock.now());
  }

  recordFailure(address: string): void {
    const recent = this.recentFailures(address);
    recent.push(this.clock.now());
    this.failures.delete(address);
    this.failures.set(address, recent.slice(-AUTH_FAILURE_LIMIT));
    if (this.failures.size > MAX_TRACKED_ADDRESSES) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  private recentFailures(address: string): number[] {
    const cutoff = this.clock.now() - AUTH_FAILURE_WINDOW_MS;
    return (this.failures.get(address) ?? []).filter((at) => at > cutoff);
  }
}
