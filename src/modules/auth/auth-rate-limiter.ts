import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';

export const AUTH_FAILURE_LIMIT = 10;
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Bounds memory under an address-spraying attack; the oldest buckets are forgotten first. */
const MAX_TRACKED_BUCKETS = 10_000;

/** One handshake's claim on its bucket's budget. */
export interface AuthAttempt {
  /** False when the bucket is locked: the attempt must not be checked against any secret. */
  readonly granted: boolean;
  /** Milliseconds until the bucket may try again; 0 when granted. */
  readonly retryAfterMs: number;
  /** The attempt succeeded, or failed for a reason that is not a guess: its slot is given back. */
  release(): void;
}

/**
 * Failed handshakes per bucket (see authBucketOf), loopback included: a web
 * page in the user's own browser or a Funnel visitor must not be able to
 * guess a token.
 *
 * An attempt takes its slot before anything is awaited and gives it back
 * only when it turns out not to be a failure; so N concurrent guesses cannot
 * all pass the check before the first of them is counted.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  reserve(bucket: string): AuthAttempt {
    const retryAfterMs = this.retryAfterMs(bucket);
    if (retryAfterMs > 0) return { granted: false, retryAfterMs, release: () => undefined };
    const stamp = this.clock.now();
    this.store(bucket, [...this.recentFailures(bucket), stamp]);
    let released = false;
    return {
      granted: true,
      retryAfterMs: 0,
      release: () => {
        if (released) return;
        released = true;
        const stamps = this.failures.get(bucket);
        const index = stamps?.indexOf(stamp) ?? -1;
        if (index !== -1) stamps!.splice(index, 1);
        if (stamps?.length === 0) this.failures.delete(bucket);
      },
    };
  }

  /** Milliseconds until this bucket may try again; 0 when it may try now. */
  retryAfterMs(bucket: string): number {
    const recent = this.recentFailures(bucket);
    if (recent.length < AUTH_FAILURE_LIMIT) return 0;
    return Math.max(1, recent[recent.length - AUTH_FAILURE_LIMIT] + AUTH_FAILURE_WINDOW_MS - this.clock.now());
  }

  recordFailure(bucket: string): void {
    this.store(bucket, [...this.recentFailures(bucket), this.clock.now()]);
  }

  private store(bucket: string, stamps: number[]): void {
    // Re-inserted so the map's order is least recently touched first.
    this.failures.delete(bucket);
    this.failures.set(bucket, stamps.slice(-AUTH_FAILURE_LIMIT));
    if (this.failures.size > MAX_TRACKED_BUCKETS) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  private recentFailures(bucket: string): number[] {
    const cutoff = this.clock.now() - AUTH_FAILURE_WINDOW_MS;
    return (this.failures.get(bucket) ?? []).filter((at) => at > cutoff);
  }
}
