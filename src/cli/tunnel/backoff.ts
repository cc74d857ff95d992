export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Share of each delay that is random, 0..1. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 1_000, maxMs: 30_000, jitter: 0.5 });

/**
 * Delay before retry number `failures` (1 for the first): doubling from
 * initialMs up to maxMs, with the random share taken off the top so that many
 * tunnels cut by the same outage do not all reconnect in the same second.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling * (1 - policy.jitter * random()));
}
