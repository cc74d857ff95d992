import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  const policy = { initialMs: 1_000, maxMs: 30_000, jitter: 0.5 };

  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('takes up to the jitter share off the delay', () => {
    expect(backoffDelay(3, policy, () => 1)).toBe(2_000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(3_000);
    expect(backoffDelay(10, policy, () => 0.999)).toBeGreaterThanOrEqual(15_000);
  });

  it('defaults to 1 s doubling up to 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 1_000, maxMs: 30_000, jitter: 0.5 });
  });
});
