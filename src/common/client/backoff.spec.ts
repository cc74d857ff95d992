import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

const options = { initialDelayMs: 100, maxDelayMs: 5_000 };
const low = () => 0;
const high = () => 1;

describe(backoffDelay.name, () => {
  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [3, 800],
    [5, 3_200],
  ])('doubles the ceiling with each attempt: attempt %i → up to %i ms', (attempt, ceiling) => {
    // Act
    const smallest = backoffDelay(attempt, options, low);
    const largest = backoffDelay(attempt, options, high);

    // Assert
    expect(largest).toBe(ceiling);
    expect(smallest).toBe(ceiling / 2);
  });

  it.each([[6], [7], [30], [31], [1_000]])('never exceeds maxDelayMs (attempt %i)', (attempt) => {
    // Act
    const largest = backoffDelay(attempt, options, high);
    const smallest = backoffDelay(attempt, options, low);

    // Assert
    expect(largest).toBe(5_000);
    expect(smallest).toBe(2_500);
    expect(Number.isFinite(largest)).toBe(true);
  });

  it('keeps half the delay fixed and jitters the other half (equal jitter)', () => {
    // Arrange: attempt 4 has a 1600 ms ceiling
    const draws = [0, 0.25, 0.5, 0.75, 0.999];

    // Act
    const delays = draws.map((r) => backoffDelay(4, options, () => r));

    // Assert
    expect(delays).toEqual([800, 1_000, 1_200, 1_400, 1_599]);
  });

  it('stays within [ceiling/2, ceiling] for many real random draws', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('returns whole milliseconds', () => {
    expect(backoffDelay(0, { initialDelayMs: 3, maxDelayMs: 10 }, () => 0.5)).toBe(2);
    expect(Number.isInteger(backoffDelay(2, { initialDelayMs: 7, maxDelayMs: 1_000 }, () => 0.123))).toBe(true);
  });

  it('uses 500 ms growing to a 30 s cap by default', () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialDelayMs: 500, maxDelayMs: 30_000 });
    expect(backoffDelay(0, undefined, high)).toBe(500);
    expect(backoffDelay(3, undefined, high)).toBe(4_000);
    expect(backoffDelay(10, undefined, high)).toBe(30_000);
    expect(backoffDelay(10, undefined, low)).toBe(15_000);
  });
});
