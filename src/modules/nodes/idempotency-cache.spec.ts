import { FINGERPRINT_TEXT_MAX, IdempotencyCache, RequestFingerprint, requestFingerprint } from './idempotency-cache';
import { FakeClock } from '../../../test/support/fake-clock';

const TTL = 60_000;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(IdempotencyCache.name, () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(1_000_000);
  });

  describe('get', () => {
    it('returns the remembered outcome, also while it is still pending', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 10);
      let resolve!: (value: string) => void;
      const outcome = new Promise<string>((r) => (resolve = r));
      cache.remember('k', outcome);

      // Act
      const joined = cache.get('k');
      resolve('done');

      // Assert
      expect(joined).toBe(outcome);
      await expect(joined).resolves.toBe('done');
    });

    it('keeps a pending entry however long it runs', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 10);
      cache.remember('k', new Promise<string>(() => undefined));

      // Act
      clock.ms += 10 * TTL;

      // Assert
      expect(cache.get('k')).toBeDefined();
    });

    it('forgets an outcome ttl after it was known', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 10);
      cache.remember('k', Promise.resolve('done'));
      await flush();

      // Act / Assert
      clock.ms += TTL - 1;
      expect(cache.get('k')).toBeDefined();
      clock.ms += 1;
      expect(cache.get('k')).toBeUndefined();
      expect(cache.size).toBe(0);
    });

    it('remembers failures too, without an unhandled rejection', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 10);
      const failure = Promise.reject(new Error('boom'));
      failure.catch(() => undefined);
      cache.remember('k', failure);
      await flush();

      // Act / Assert
      await expect(cache.get('k')).rejects.toThrow('boom');
    });
  });

  describe('remember', () => {
    it('never holds more than maxEntries, dropping expired entries first', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 3);
      cache.remember('old', Promise.resolve('x'));
      await flush();
      clock.ms += TTL;
      cache.remember('a', new Promise<string>(() => undefined));
      cache.remember('b', Promise.resolve('y'));
      await flush();

      // Act
      cache.remember('c', Promise.resolve('z'));

      // Assert
      expect(cache.size).toBe(3);
      expect(cache.get('old')).toBeUndefined();
      expect(cache.get('a')).toBeDefined();
    });

    it('drops the oldest settled entry before any pending one when full', async () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 2);
      cache.remember('pending', new Promise<string>(() => undefined));
      cache.remember('settled', Promise.resolve('y'));
      await flush();

      // Act
      cache.remember('new', Promise.resolve('z'));

      // Assert
      expect(cache.size).toBe(2);
      expect(cache.get('pending')).toBeDefined();
      expect(cache.get('settled')).toBeUndefined();
    });

    it('drops the oldest pending entry when nothing else can go', () => {
      // Arrange
      const cache = new IdempotencyCache<string>(clock, TTL, 2);
      cache.remember('first', new Promise<string>(() => undefined));
      cache.remember('second', new Promise<string>(() => undefined));

      // Act
      cache.remember('third', new Promise<string>(() => undefined));

      // Assert
      expect(cache.get('first')).toBeUndefined();
      expect(cache.get('second')).toBeDefined();
      expect(cache.get('third')).toBeDefined();
    });
  });
});

/** A fingerprint the way NodesService takes it: the value with its JSON text. */
const fingerprint = (value: unknown) => RequestFingerprint.of(value, JSON.stringify(value));

describe('IdempotencyCache fingerprints', () => {
  it('answers a conflict, not the first outcome, when the key comes back with another fingerprint', () => {
    // Arrange
    const clock = new FakeClock();
    const cache = new IdempotencyCache<string>(clock, TTL, 10);
    const outcome = Promise.resolve('first');
    cache.remember('k', outcome, fingerprint(['cmd', { a: 1, b: 2 }]));

    // Act / Assert
    expect(cache.get('k', fingerprint(['cmd', { b: 2, a: 1 }]))).toBe(outcome);
    expect(cache.get('k', fingerprint(['cmd', { a: 2, b: 2 }]))).toBe('conflict');
  });
});

describe(RequestFingerprint.name, () => {
  const long = (order: 'ab' | 'ba', b = 2) => {
    const filler = 'x'.repeat(FINGERPRINT_TEXT_MAX);
    return order === 'ab' ? ['cmd', { a: filler, b }] : ['cmd', { b, a: filler }];
  };

  it.each([
    ['short', (order: 'ab' | 'ba', b = 2) => (order === 'ab' ? ['cmd', { a: 1, b }] : ['cmd', { b, a: 1 }])],
    ['long', long],
  ])('matches a %s request with its keys in another order, and tells other values apart', (_size, make) => {
    // Act / Assert
    expect(fingerprint(make('ab')).matches(fingerprint(make('ba')))).toBe(true);
    expect(fingerprint(make('ab')).matches(fingerprint(make('ab')))).toBe(true);
    expect(fingerprint(make('ab')).matches(fingerprint(make('ba', 3)))).toBe(false);
    expect(fingerprint(make('ab', 3)).matches(fingerprint(make('ba')))).toBe(false);
  });

  it('tells null, {} and [] apart, and a number from a string', () => {
    const values = [null, {}, [], ['cmd', { a: 1 }], ['cmd', { a: '1' }]];
    for (const [i, a] of values.entries()) {
      for (const [j, b] of values.entries()) expect(fingerprint(a).matches(fingerprint(b))).toBe(i === j);
    }
  });

  it('keeps a digest instead of the text past FINGERPRINT_TEXT_MAX, so a remembered call holds little', () => {
    // Arrange
    const value = long('ab');

    // Act
    const kept = JSON.stringify(fingerprint(value));

    // Assert
    expect(JSON.stringify(value).length).toBeGreaterThan(FINGERPRINT_TEXT_MAX);
    expect(kept.length).toBeLessThan(200);
  });

  it('throws on a value JSON cannot hold, when it has to walk it', () => {
    // Arrange
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    // Act / Assert
    expect(() => RequestFingerprint.of(cyclic, 'x'.repeat(FINGERPRINT_TEXT_MAX + 1))).toThrow();
  });
});

describe(requestFingerprint.name, () => {
  it('ignores key order and undefined fields, and tells values apart', () => {
    expect(requestFingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      requestFingerprint({ b: [1, { d: 3, c: 2 }], a: 1, e: undefined }),
    );
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: '1' }));
    expect(requestFingerprint([1, 2])).not.toBe(requestFingerprint([2, 1]));
    expect(requestFingerprint(null)).not.toBe(requestFingerprint({}));
  });
});
