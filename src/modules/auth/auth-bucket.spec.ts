import fc from 'fast-check';
import { authBucketOf, LOOPBACK_BUCKET } from './auth-bucket';

describe('authBucketOf', () => {
  it.each([
    ['127.0.0.1', LOOPBACK_BUCKET],
    ['127.0.0.2', LOOPBACK_BUCKET],
    ['127.255.3.9', LOOPBACK_BUCKET],
    ['::1', LOOPBACK_BUCKET],
    ['0:0:0:0:0:0:0:1', LOOPBACK_BUCKET],
    ['::ffff:127.0.0.1', LOOPBACK_BUCKET],
    ['::FFFF:127.4.5.6', LOOPBACK_BUCKET],
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:1:2:3', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'other:unknown'],
  ])('puts %s in bucket %s', (address, bucket) => {
    expect(authBucketOf(address)).toBe(bucket);
  });

  it('separates different /64 prefixes', () => {
    expect(authBucketOf('2001:db8:1:2::1')).not.toBe(authBucketOf('2001:db8:1:3::1'));
  });

  it('folds every address of one /64 into one bucket, and never throws', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (address, tail) => {
        const prefix = authBucketOf(address);
        if (prefix === LOOPBACK_BUCKET || !prefix.endsWith('::/64')) return;
        const head = prefix.slice(0, -'::/64'.length);
        expect(authBucketOf(`${head}:${tail.map((g) => g.toString(16)).join(':')}`)).toBe(prefix);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => void authBucketOf(text)),
      { numRuns: 300 },
    );
  });
});
