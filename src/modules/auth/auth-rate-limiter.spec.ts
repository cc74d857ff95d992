import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS, AuthRateLimiter } from './auth-rate-limiter';
import { FakeClock } from '../../../test/support/fake-clock';

function fail(limiter: AuthRateLimiter, address: string, times: number): void {
  for (let i = 0; i < times; i++) limiter.recordFailure(address);
}

describe(AuthRateLimiter.name, () => {
  let clock: FakeClock;
  let limiter: AuthRateLimiter;

  beforeEach(() => {
    clock = new FakeClock(1_000_000);
    limiter = new AuthRateLimiter(clock);
  });

  it('uses a limit of 10 failures per 60 s window', () => {
    expect(AUTH_FAILURE_LIMIT).toBe(10);
    expect(AUTH_FAILURE_WINDOW_MS).toBe(60_000);
  });

  describe('retryAfterMs', () => {
    it('is 0 for an address that never failed', () => {
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(0);
    });

    it('is 0 after 9 failures', () => {
      // Arrange
      fail(limiter, '203.0.113.1', 9);

      // Act / Assert
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(0);
    });

    it('is the whole window after 10 failures at the same instant', () => {
      // Arrange
      fail(limiter, '203.0.113.1', 10);

      // Act
      const retryAfter = limiter.retryAfterMs('203.0.113.1');

      // Assert
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBe(60_000);
    });

    it('counts down from the oldest of the last 10 failures', () => {
      // Arrange: one failure per second for 10 s.
      for (let i = 0; i < 10; i++) {
        limiter.recordFailure('203.0.113.1');
        clock.ms += 1_000;
      }
      const firstFailureAt = clock.ms - 10_000;

      // Act
      const retryAfter = limiter.retryAfterMs('203.0.113.1');

      // Assert
      expect(retryAfter).toBe(firstFailureAt + 60_000 - clock.ms);
      expect(retryAfter).toBe(50_000);
    });

    it('uses the 10th most recent failure when there were more than 10', () => {
      // Arrange: 15 failures 1 s apart; only the last 10 count.
      for (let i = 0; i < 15; i++) {
        limiter.recordFailure('203.0.113.1');
        clock.ms += 1_000;
      }

      // Act
      const retryAfter = limiter.retryAfterMs('203.0.113.1');

      // Assert: the 6th failure (index 5) was 10 s ago.
      expect(retryAfter).toBe(50_000);
    });

    it('is at least 1 ms while still blocked', () => {
      // Arrange
      fail(limiter, '203.0.113.1', 10);
      clock.ms += 59_999;

      // Act / Assert
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(1);
    });

    it('resets once the window has passed', () => {
      // Arrange
      fail(limiter, '203.0.113.1', 10);
      clock.ms += 60_000;

      // Act / Assert
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(0);
    });

    it('slides: an expired failure no longer counts, a new one blocks again', () => {
      // Arrange: 10 failures 1 s apart, then wait until the first one expires.
      for (let i = 0; i < 10; i++) {
        limiter.recordFailure('203.0.113.1');
        clock.ms += 1_000;
      }
      clock.ms += 50_000;
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(0);

      // Act
      limiter.recordFailure('203.0.113.1');

      // Assert: now blocked until the second failure (at +1 s) leaves the window.
      expect(limiter.retryAfterMs('203.0.113.1')).toBe(1_000);
    });

    it('keeps addresses apart', () => {
      // Arrange
      fail(limiter, '203.0.113.1', 10);
      fail(limiter, '203.0.113.2', 9);

      // Act / Assert
      expect(limiter.retryAfterMs('203.0.113.1')).toBeGreaterThan(0);
      expect(limiter.retryAfterMs('203.0.113.2')).toBe(0);
      expect(limiter.retryAfterMs('127.0.0.1')).toBe(0);
    });

    it('limits loopback like any other address', () => {
      // Arrange
      fail(limiter, '127.0.0.1', 10);

      // Act / Assert
      expect(limiter.retryAfterMs('127.0.0.1')).toBe(60_000);
    });
  });

  describe('recordFailure', () => {
    it('forgets the least recently failing address beyond 10 000 addresses', () => {
      // Arrange
      fail(limiter, 'victim', 10);
      for (let i = 0; i < 9_999; i++) limiter.recordFailure(`spray-${i}`);
      expect(limiter.retryAfterMs('victim')).toBe(60_000);

      // Act
      limiter.recordFailure('spray-last');

      // Assert
      expect(limiter.retryAfterMs('victim')).toBe(0);
    });

    it('keeps an address that failed again recently when evicting', () => {
      // Arrange
      fail(limiter, 'attacker', 9);
      fail(limiter, 'early', 10);
      for (let i = 0; i < 9_998; i++) limiter.recordFailure(`spray-${i}`);
      limiter.recordFailure('attacker');

      // Act: the 10 001st address pushes out the oldest entry, which is now "early".
      limiter.recordFailure('spray-last');

      // Assert
      expect(limiter.retryAfterMs('attacker')).toBe(60_000);
      expect(limiter.retryAfterMs('early')).toBe(0);
    });
  });

  describe('reserve', () => {
    it('grants only the limit to concurrent attempts that have not finished yet', () => {
      // Act
      const attempts = Array.from({ length: 300 }, () => limiter.reserve('loopback'));

      // Assert
      expect(attempts.filter((a) => a.granted)).toHaveLength(AUTH_FAILURE_LIMIT);
      expect(attempts[AUTH_FAILURE_LIMIT]).toMatchObject({ granted: false, retryAfterMs: 60_000 });
    });

    it('gives the slot back when the attempt succeeds, once only', () => {
      // Arrange
      fail(limiter, 'loopback', 9);
      const attempt = limiter.reserve('loopback');
      expect(limiter.retryAfterMs('loopback')).toBe(60_000);

      // Act
      attempt.release();
      attempt.release();

      // Assert
      expect(limiter.retryAfterMs('loopback')).toBe(0);
      expect(limiter.reserve('loopback').granted).toBe(true);
      expect(limiter.reserve('loopback').granted).toBe(false);
    });

    it('keeps the slot of an attempt that is never released: it counts as a failure', () => {
      // Arrange
      for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) limiter.reserve('203.0.113.1');

      // Act
      clock.ms += AUTH_FAILURE_WINDOW_MS - 1;
      const stillLocked = limiter.reserve('203.0.113.1');
      clock.ms += 1;
      const free = limiter.reserve('203.0.113.1');

      // Assert
      expect(stillLocked.granted).toBe(false);
      expect(free.granted).toBe(true);
    });
  });
});
